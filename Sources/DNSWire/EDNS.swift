/// The EDNS(0) OPT pseudo-record of a message (RFC 6891 §6).
///
/// The upper 8 bits of an extended RCODE travel here on the wire, but are kept on `Message.rcode`.
public struct EDNS: Hashable, Sendable {
    /// The largest UDP response the sender can take. Values below 512 mean 512 (RFC 6891 §6.2.3).
    public var udpPayloadSize: UInt16
    public var version: UInt8
    /// DO: the sender wants DNSSEC records (RFC 3225).
    public var isDNSSECOK: Bool
    /// The other 15 flag bits, CO among them; kept so a message reads back as written.
    public var otherFlags: UInt16
    /// CO, Compact Answers OK (RFC 9824 §4): the sender reads NXNAME, so a compact denial of a name that
    /// does not exist may say NXDOMAIN.
    public static let compactAnswersOK: UInt16 = 0x4000
    public var isCompactAnswersOK: Bool { otherFlags & Self.compactAnswersOK != 0 }
    /// The options in wire form (code, length, data, …), kept whole so that reading a query costs one
    /// allocation for all its options; `options` and `option(_:)` decode on demand.
    private(set) var optionBytes: [UInt8]

    /// Builds an OPT record. Each option's data must be at most 65535 octets (a programming error
    /// otherwise: nothing read from the wire can be larger).
    public init(udpPayloadSize: UInt16 = 1232, version: UInt8 = 0, isDNSSECOK: Bool = false,
                otherFlags: UInt16 = 0, options: [EDNSOption] = []) {
        self.init(udpPayloadSize: udpPayloadSize, version: version, isDNSSECOK: isDNSSECOK,
                  otherFlags: otherFlags, optionBytes: Self.encode(options))
    }

    /// Wraps option bytes already checked to be a sequence of whole options.
    init(udpPayloadSize: UInt16, version: UInt8, isDNSSECOK: Bool, otherFlags: UInt16, optionBytes: [UInt8]) {
        self.udpPayloadSize = udpPayloadSize
        self.version = version
        self.isDNSSECOK = isDNSSECOK
        self.otherFlags = otherFlags & 0x7FFF
        self.optionBytes = optionBytes
    }

    /// The options in the order they were written.
    public var options: [EDNSOption] {
        get {
            var result: [EDNSOption] = []
            forEachOption { code, range in result.append(EDNSOption(code: code, data: Array(optionBytes[range]))) }
            return result
        }
        set { optionBytes = Self.encode(newValue) }
    }

    /// Octets the OPT record takes on the wire.
    var wireLength: Int { 11 + optionBytes.count }

    /// The first option with `code`, or nil.
    public func option(_ code: EDNSOptionCode) -> EDNSOption? {
        var found: EDNSOption? = nil
        forEachOption { optionCode, range in
            if found == nil && optionCode == code { found = EDNSOption(code: code, data: Array(optionBytes[range])) }
        }
        return found
    }

    private func forEachOption(_ body: (EDNSOptionCode, Range<Int>) -> Void) {
        var index = 0
        while index + 4 <= optionBytes.count {
            let code = UInt16(optionBytes[index]) << 8 | UInt16(optionBytes[index + 1])
            let length = Int(optionBytes[index + 2]) << 8 | Int(optionBytes[index + 3])
            body(EDNSOptionCode(code), (index + 4)..<(index + 4 + length))
            index += 4 + length
        }
    }

    private static func encode(_ options: [EDNSOption]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(options.reduce(0) { $0 + 4 + $1.data.count })
        for option in options {
            precondition(option.data.count <= 0xFFFF, "EDNS option data is at most 65535 octets")
            bytes.append(contentsOf: [UInt8(option.code.rawValue >> 8), UInt8(option.code.rawValue & 0xFF),
                                      UInt8(option.data.count >> 8), UInt8(option.data.count & 0xFF)])
            bytes.append(contentsOf: option.data)
        }
        return bytes
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
