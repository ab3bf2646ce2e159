/// The data of one resource record, typed for the record types Switchyard serves.
///
/// Any other type, and A, AAAA and SRV outside class IN (their format is class-specific, RFC 3597 §4),
/// is kept as opaque octets in `.unknown` and printed in RFC 3597's `\# length hex` form, so every record
/// survives a read and a write unchanged.
public enum RData: Hashable, Sendable {
    case a(IPv4Address)
    case aaaa(IPv6Address)
    case ns(Name)
    case cname(Name)
    case ptr(Name)
    case mx(MX)
    case soa(SOA)
    case txt(TXT)
    case srv(SRV)
    case caa(CAA)
    case unknown(type: RRType, data: [UInt8])

    /// The record type this data belongs to.
    public var type: RRType {
        switch self {
        case .a: .a
        case .aaaa: .aaaa
        case .ns: .ns
        case .cname: .cname
        case .ptr: .ptr
        case .mx: .mx
        case .soa: .soa
        case .txt: .txt
        case .srv: .srv
        case .caa: .caa
        case .unknown(let type, _): type
        }
    }

    /// Mail exchange (RFC 1035 §3.3.9).
    public struct MX: Hashable, Sendable {
        public var preference: UInt16
        public var exchange: Name
        public init(preference: UInt16, exchange: Name) {
            self.preference = preference
            self.exchange = exchange
        }
    }

    /// Start of authority (RFC 1035 §3.3.13). Times are in seconds.
    public struct SOA: Hashable, Sendable {
        public var primary: Name
        /// The contact mailbox as a name: `hostmaster.example.com.` for hostmaster@example.com.
        public var contact: Name
        public var serial: UInt32
        public var refresh: UInt32
        public var retry: UInt32
        public var expire: UInt32
        /// The negative-caching TTL (RFC 2308 §4).
        public var minimum: UInt32
        public init(primary: Name, contact: Name, serial: UInt32, refresh: UInt32, retry: UInt32,
                    expire: UInt32, minimum: UInt32) {
            self.primary = primary
            self.contact = contact
            self.serial = serial
            self.refresh = refresh
            self.retry = retry
            self.expire = expire
            self.minimum = minimum
        }
    }

    /// Text (RFC 1035 §3.3.14): one or more character-strings of at most 255 octets each.
    public struct TXT: Hashable, Sendable {
        public private(set) var strings: [[UInt8]]

        /// Throws unless there is at least one string and none exceeds 255 octets.
        public init(strings: [[UInt8]]) throws(PresentationError) {
            guard !strings.isEmpty else {
                throw PresentationError("TXT data needs at least one string; write \"\" for an empty one")
            }
            if let long = strings.first(where: { $0.count > 255 }) {
                throw PresentationError("TXT string of \(long.count) octets; each string is at most 255 octets")
            }
            self.strings = strings
        }

        init(validatedStrings: [[UInt8]]) {
            strings = validatedStrings
        }

        /// One text, split into as many 255-octet strings as it needs (how SPF and DKIM records are stored).
        public init(splitting text: [UInt8]) {
            var strings: [[UInt8]] = []
            var start = 0
            repeat {
                let end = min(start + 255, text.count)
                strings.append(Array(text[start..<end]))
                start = end
            } while start < text.count
            self.strings = strings
        }
    }

    /// Service location (RFC 2782).
    public struct SRV: Hashable, Sendable {
        public var priority: UInt16
        public var weight: UInt16
        public var port: UInt16
        public var target: Name
        public init(priority: UInt16, weight: UInt16, port: UInt16, target: Name) {
            self.priority = priority
            self.weight = weight
            self.port = port
            self.target = target
        }
    }

    /// Certification authority authorization (RFC 8659).
    public struct CAA: Hashable, Sendable {
        /// Bit 7 (128) is "issuer critical".
        public var flags: UInt8
        /// The property tag: ASCII letters and digits, such as `issue`, `issuewild`, `iodef`.
        public private(set) var tag: String
        public var value: [UInt8]

        /// Throws unless `tag` is 1–15 ASCII letters and digits (RFC 8659 §4.1).
        public init(flags: UInt8, tag: String, value: [UInt8]) throws(PresentationError) {
            guard (1...15).contains(tag.utf8.count),
                  tag.utf8.allSatisfy({ isDecimalDigit($0) || asciiLowercased($0) &- UInt8(ascii: "a") < 26 })
            else {
                throw PresentationError("CAA tag \"\(tag)\" is not allowed; a tag is 1 to 15 ASCII letters and digits, such as issue, issuewild or iodef")
            }
            self.flags = flags
            self.tag = tag
            self.value = value
        }
    }
}
