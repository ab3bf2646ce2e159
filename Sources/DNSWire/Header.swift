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

/// One entry of the question section.
public struct Question: Hashable, Sendable, CustomStringConvertible {
    public var name: Name
    public var type: RRType
    public var rrClass: RRClass

    public init(name: Name, type: RRType, rrClass: RRClass = .internet) {
        self.name = name
        self.type = type
        self.rrClass = rrClass
    }

    /// `;www.example.com.	IN	A`, as `dig` shows it.
    public var description: String { ";\(name)\t\(rrClass)\t\(type)" }
}

/// A resource record: owner name, class, TTL and typed data (the type comes from the data).
public struct ResourceRecord: Hashable, Sendable, CustomStringConvertible {
    public var name: Name
    public var rrClass: RRClass
    /// Seconds. Values above 2^31 − 1 read as 0 (RFC 2181 §8).
    public var ttl: UInt32
    public var data: RData

    public init(name: Name, ttl: UInt32, rrClass: RRClass = .internet, data: RData) {
        self.name = name
        self.rrClass = rrClass
        self.ttl = ttl
        self.data = data
    }

    public var type: RRType { data.type }

    /// Reads one zone-file line: `<owner> [<ttl>] [<class>] <type> <data>`, the TTL and class in either
    /// order. Relative names get `origin` appended; a missing TTL is `defaultTTL`.
    public init(zoneLine text: some StringProtocol, origin: Name? = nil,
                defaultTTL: UInt32 = 3600) throws(PresentationError) {
        let tokens = try scanPresentation(text)
        guard tokens.count >= 2 else {
            throw PresentationError("record \"\(text)\" is incomplete; expected \"<owner> [<ttl>] [<class>] <type> <data>\"")
        }
        name = try Name(tokens[0].text, origin: origin)
        ttl = defaultTTL
        rrClass = .internet
        var index = 1
        var type: RRType? = nil
        while index < tokens.count, type == nil {
            let token = tokens[index].text
            if let value = parseTimeValue(token), token.first?.isASCIIDigit == true {
                ttl = value
            } else if let parsedClass = RRClass(mnemonic: token) {
                rrClass = parsedClass
            } else if let parsedType = RRType(mnemonic: token) {
                type = parsedType
            } else {
                throw PresentationError("unknown field \"\(token)\" in record \"\(text)\"; expected a TTL, a class such as IN, or a type such as A")
            }
            index += 1
        }
        guard let type else {
            throw PresentationError("record \"\(text)\" has no type; expected a type such as A, AAAA, MX or TXT")
        }
        // Re-join the data fields so quoting survives: take the rest of the original text.
        let rest = tokens[index...].map { $0.isQuoted ? quotedRaw($0.raw) : $0.text }.joined(separator: " ")
        data = try RData(type: type, presentation: rest, origin: origin)
    }

    /// `www.example.com.	60	IN	A	192.0.2.1`, as `dig` and zone files show it.
    public var description: String { "\(name)\t\(ttl)\t\(rrClass)\t\(type)\t\(data)" }
}

/// A token's raw text back in quotes, escapes untouched.
private func quotedRaw(_ raw: [UInt8]) -> String {
    "\"" + String(decoding: raw, as: UTF8.self) + "\""
}
