/// The fixed fields of a message header (RFC 1035 §4.1.1, RFC 4035 §3.2 for AD and CD).
///
/// The section counts are not stored: they follow from the message's sections when it is written. The
/// response code lives on `Message` because its upper bits travel in the OPT record.
public struct Header: Hashable, Sendable {
    public var id: UInt16
    /// QR: the message is a response.
    public var isResponse: Bool
    public var opcode: Opcode
    /// AA: the answer comes from an authority for the zone.
    public var isAuthoritative: Bool
    /// TC: the message was cut to fit its transport.
    public var isTruncated: Bool
    /// RD: the client asks for recursion.
    public var isRecursionDesired: Bool
    /// RA: the server offers recursion.
    public var isRecursionAvailable: Bool
    /// The reserved Z bit, kept so a message reads back as it was written.
    public var zBit: Bool
    /// AD: the data was DNSSEC-validated.
    public var isAuthenticData: Bool
    /// CD: the client disabled DNSSEC checking.
    public var isCheckingDisabled: Bool

    public init(id: UInt16 = 0, isResponse: Bool = false, opcode: Opcode = .query,
                isAuthoritative: Bool = false, isTruncated: Bool = false, isRecursionDesired: Bool = false,
                isRecursionAvailable: Bool = false, zBit: Bool = false, isAuthenticData: Bool = false,
                isCheckingDisabled: Bool = false) {
        self.id = id
        self.isResponse = isResponse
        self.opcode = opcode
        self.isAuthoritative = isAuthoritative
        self.isTruncated = isTruncated
        self.isRecursionDesired = isRecursionDesired
        self.isRecursionAvailable = isRecursionAvailable
        self.zBit = zBit
        self.isAuthenticData = isAuthenticData
        self.isCheckingDisabled = isCheckingDisabled
    }

    /// Reads the flags word (octets 2–3); its low 4 bits, the RCODE, are returned apart.
    init(id: UInt16, flags: UInt16) {
        self.init(id: id, isResponse: flags & 0x8000 != 0, opcode: Opcode(UInt8(flags >> 11 & 0x0F)),
                  isAuthoritative: flags & 0x0400 != 0, isTruncated: flags & 0x0200 != 0,
                  isRecursionDesired: flags & 0x0100 != 0, isRecursionAvailable: flags & 0x0080 != 0,
                  zBit: flags & 0x0040 != 0, isAuthenticData: flags & 0x0020 != 0,
                  isCheckingDisabled: flags & 0x0010 != 0)
    }

    /// The flags word with `rcode` in its low 4 bits.
    func flags(rcodeLow: UInt16) -> UInt16 {
        var flags = UInt16(opcode.rawValue) << 11 | rcodeLow & 0x0F
        if isResponse { flags |= 0x8000 }
        if isAuthoritative { flags |= 0x0400 }
        if isTruncated { flags |= 0x0200 }
        if isRecursionDesired { flags |= 0x0100 }
        if isRecursionAvailable { flags |= 0x0080 }
        if zBit { flags |= 0x0040 }
        if isAuthenticData { flags |= 0x0020 }
        if isCheckingDisabled { flags |= 0x0010 }
        return flags
    }
}
