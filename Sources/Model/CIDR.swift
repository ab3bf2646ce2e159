import DNSWire

/// An address prefix such as `10.20.0.0/16` or `2001:db8:20::/48`, with the host bits zero.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    public private(set) var address: IPAddress
    public private(set) var prefixLength: UInt8

    /// Reads `address/length`. Returns nil when the address or length is invalid, or when bits are set
    /// past the prefix (`10.20.1.0/16` is almost always a typo, so it is refused rather than masked).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(parts[0]), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
              let length = UInt8(parts[1]) else { return nil }
        let bits: UInt8 = if case .v4 = address { 32 } else { 128 }
        guard length <= bits, Self.masked(address, length) == address else { return nil }
        self.address = address
        self.prefixLength = length
    }

    /// True when `candidate` lies in this prefix; an IPv4 address never lies in an IPv6 prefix.
    public func contains(_ candidate: IPAddress) -> Bool {
        switch (address, candidate) {
        case (.v4, .v4), (.v6, .v6): Self.masked(candidate, prefixLength) == address
        default: false
        }
    }

    public var description: String { "\(address)/\(prefixLength)" }

    static func masked(_ address: IPAddress, _ length: UInt8) -> IPAddress {
        switch address {
        case .v4(let v4):
            let mask: UInt32 = length == 0 ? 0 : ~0 << (32 - UInt32(length))
            return .v4(IPv4Address(v4.value & mask))
        case .v6(let v6):
            let high: UInt64 = length == 0 ? 0 : length >= 64 ? ~0 : ~0 << (64 - UInt64(length))
            let low: UInt64 = length <= 64 ? 0 : length >= 128 ? ~0 : ~0 << (128 - UInt64(length))
            return .v6(IPv6Address(high: v6.high & high, low: v6.low & low))
        }
    }
}
