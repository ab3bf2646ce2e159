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
        guard length <= bits, address.masked(to: length) == address else { return nil }
        self.address = address
        self.prefixLength = length
    }

    /// True when `candidate` lies in this prefix; an IPv4 address never lies in an IPv6 prefix.
    public func contains(_ candidate: IPAddress) -> Bool {
        switch (address, candidate) {
        case (.v4, .v4), (.v6, .v6): candidate.masked(to: prefixLength) == address
        default: false
        }
    }

    public var description: String { "\(address)/\(prefixLength)" }
}
