/// The 4-bit operation code of a message header (RFC 1035 §4.1.1, RFC 1996, RFC 2136, RFC 8490).
public struct Opcode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// Only the low 4 bits are ever written.
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x0F }
    public init(_ rawValue: UInt8) { self.init(rawValue: rawValue) }

    public static let query = Opcode(0)
    public static let inverseQuery = Opcode(1)
    public static let status = Opcode(2)
    public static let notify = Opcode(4)
    public static let update = Opcode(5)
    public static let dso = Opcode(6)

    public var description: String {
        switch self {
        case .query: "QUERY"
        case .inverseQuery: "IQUERY"
        case .status: "STATUS"
        case .notify: "NOTIFY"
        case .update: "UPDATE"
        case .dso: "DSO"
        default: "OPCODE\(rawValue)"
        }
    }
}

/// A response code: 4 bits in the header, extended to 12 bits by the OPT record (RFC 6891 §6.1.3).
public struct RCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// Only the low 12 bits are meaningful.
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue & 0x0FFF }
    public init(_ rawValue: UInt16) { self.init(rawValue: rawValue) }

    public static let noError = RCode(0)
    public static let formatError = RCode(1)
    public static let serverFailure = RCode(2)
    public static let nameError = RCode(3)
    public static let notImplemented = RCode(4)
    public static let refused = RCode(5)
    public static let yxDomain = RCode(6)
    public static let yxRRSet = RCode(7)
    public static let nxRRSet = RCode(8)
    public static let notAuth = RCode(9)
    public static let notZone = RCode(10)
    /// BADVERS (RFC 6891); the same value is BADSIG inside a TSIG record (RFC 8945).
    public static let badVersion = RCode(16)
    /// BADSIG: the same value as BADVERS, used in the TSIG record's error field (RFC 8945 §5.2).
    public static let badSignature = RCode(16)
    public static let badKey = RCode(17)
    public static let badTime = RCode(18)
    /// BADTRUNC (RFC 8945 §5.2.2.1): a TSIG MAC truncated below what the server accepts.
    public static let badTrunc = RCode(22)
    public static let badCookie = RCode(23)

    /// The name in a TSIG record's error field, where 16 is BADSIG (RFC 8945 §3) rather than BADVERS.
    public var tsigDescription: String { rawValue == 16 ? "BADSIG" : description }

    /// True when the value needs the OPT record's extended bits.
    public var isExtended: Bool { rawValue > 0x0F }

    public var description: String {
        switch rawValue {
        case 0: "NOERROR"
        case 1: "FORMERR"
        case 2: "SERVFAIL"
        case 3: "NXDOMAIN"
        case 4: "NOTIMP"
        case 5: "REFUSED"
        case 6: "YXDOMAIN"
        case 7: "YXRRSET"
        case 8: "NXRRSET"
        case 9: "NOTAUTH"
        case 10: "NOTZONE"
        case 16: "BADVERS"
        case 17: "BADKEY"
        case 18: "BADTIME"
        case 22: "BADTRUNC"
        case 23: "BADCOOKIE"
        default: "RCODE\(rawValue)"
        }
    }
}
