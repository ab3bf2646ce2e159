/// The EDNS(0) OPT pseudo-record of a message (RFC 6891 §6).
///
/// The upper 8 bits of an extended RCODE travel here on the wire, but are kept on `Message.rcode`.
public struct EDNS: Hashable, Sendable {
    /// The largest UDP response the sender can take. Values below 512 mean 512 (RFC 6891 §6.2.3).
    public var udpPayloadSize: UInt16
    public var version: UInt8
    /// DO: the sender wants DNSSEC records (RFC 3225).
    public var isDNSSECOK: Bool
    /// The other 15 flag bits, which must be zero today; kept so a message reads back as written.
    public var otherFlags: UInt16
    public var options: [EDNSOption]

    public init(udpPayloadSize: UInt16 = 1232, version: UInt8 = 0, isDNSSECOK: Bool = false,
                otherFlags: UInt16 = 0, options: [EDNSOption] = []) {
        self.udpPayloadSize = udpPayloadSize
        self.version = version
        self.isDNSSECOK = isDNSSECOK
        self.otherFlags = otherFlags & 0x7FFF
        self.options = options
    }

    /// Octets the OPT record takes on the wire.
    var wireLength: Int {
        options.reduce(11) { $0 + 4 + $1.data.count }
    }

    /// The first option with `code`, or nil.
    public func option(_ code: EDNSOptionCode) -> EDNSOption? {
        options.first { $0.code == code }
    }

    /// The Client Subnet option (RFC 7871), or nil when there is none.
    ///
    /// Throws when the option is malformed; RFC 7871 §7.2.1 says to answer such a query with FORMERR.
    public func clientSubnet() throws(DNSWireError) -> ClientSubnet? {
        guard let option = option(.clientSubnet) else { return nil }
        return try ClientSubnet(option: option)
    }

    /// Replaces any Client Subnet option with `subnet` (or removes it when nil), keeping the others.
    public mutating func setClientSubnet(_ subnet: ClientSubnet?) {
        if let index = options.firstIndex(where: { $0.code == .clientSubnet }) {
            if let subnet { options[index] = subnet.option } else { options.remove(at: index) }
        } else if let subnet {
            options.append(subnet.option)
        }
    }
}

/// One option of an OPT record: a code and opaque data.
public struct EDNSOption: Hashable, Sendable {
    public var code: EDNSOptionCode
    public var data: [UInt8]

    public init(code: EDNSOptionCode, data: [UInt8]) {
        self.code = code
        self.data = data
    }
}

/// An EDNS option code (IANA "DNS EDNS0 Option Codes").
public struct EDNSOptionCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let nsid = EDNSOptionCode(3)
    public static let clientSubnet = EDNSOptionCode(8)
    public static let expire = EDNSOptionCode(9)
    public static let cookie = EDNSOptionCode(10)
    public static let tcpKeepalive = EDNSOptionCode(11)
    public static let padding = EDNSOptionCode(12)
    public static let extendedError = EDNSOptionCode(15)

    public var description: String {
        switch self {
        case .nsid: "NSID"
        case .clientSubnet: "ECS"
        case .expire: "EXPIRE"
        case .cookie: "COOKIE"
        case .tcpKeepalive: "TCP-KEEPALIVE"
        case .padding: "PADDING"
        case .extendedError: "EDE"
        default: "OPT\(rawValue)"
        }
    }
}
