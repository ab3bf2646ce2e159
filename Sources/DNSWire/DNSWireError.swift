/// Why a DNS message could not be read or written.
///
/// Every case a parser can raise maps to FORMERR (`rcode`), so a server answers a malformed query
/// without knowing which rule it broke. Offsets are from the start of the message.
public enum DNSWireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message ends before a field that must be there.
    case truncated(at: Int)
    /// A name longer than 255 octets in wire form, counting every length byte and the root.
    case nameTooLong(at: Int)
    /// A compression pointer that points at or after the label run it was found in, or past the message.
    case badPointer(at: Int)
    /// A label type other than normal (0b00) or pointer (0b11): RFC 6891 §5 retired the others. A
    /// length byte of 64 or more is such a type, so this is also how a label over 63 octets shows.
    case badLabelType(at: Int)
    /// RDATA that does not match its type's format, or whose RDLENGTH disagrees with its content.
    case badRData(at: Int, type: RRType, reason: String)
    /// An OPT pseudo-record outside the additional section, a second one, or one not owned by the root.
    case badOPT(at: Int, reason: String)
    /// A Client Subnet option (RFC 7871 §6) with an unknown family, a prefix too long for it,
    /// the wrong number of address octets, or address bits set past the source prefix.
    case badClientSubnet(reason: String)
    /// Bytes left after the last record the header counts.
    case trailingBytes(at: Int)
    /// Writing would exceed a 16-bit field: the message, a count, or an RDATA longer than 65535.
    case tooLarge(what: String)
    /// An RCODE above 15 needs an OPT record to carry its upper bits (RFC 6891 §6.1.3).
    case extendedRCodeWithoutEDNS(RCode)

    /// The response code a server sends for a query that failed this way.
    public var rcode: RCode {
        switch self {
        case .tooLarge, .extendedRCodeWithoutEDNS: .serverFailure
        default: .formatError
        }
    }

    public var description: String {
        switch self {
        case .truncated(let at): "message truncated at offset \(at)"
        case .nameTooLong(let at): "name longer than 255 octets at offset \(at)"
        case .badPointer(let at): "compression pointer at offset \(at) does not point backwards into the message"
        case .badLabelType(let at): "unsupported label type at offset \(at)"
        case .badRData(let at, let type, let reason): "bad \(type) record data at offset \(at): \(reason)"
        case .badOPT(let at, let reason): "bad OPT record at offset \(at): \(reason)"
        case .badClientSubnet(let reason): "bad Client Subnet option: \(reason)"
        case .trailingBytes(let at): "unexpected bytes after the last record at offset \(at)"
        case .tooLarge(let what): "\(what) does not fit in a DNS message"
        case .extendedRCodeWithoutEDNS(let rcode): "rcode \(rcode) needs EDNS to be sent"
        }
    }
}

/// Why a name, record or value in presentation (zone-file) form could not be read.
///
/// `message` says what is wrong and then what is allowed, so callers such as the manifest validator can
/// print it after a `file:line:column:` prefix unchanged.
public struct PresentationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
