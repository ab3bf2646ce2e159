/// The EDNS Client Subnet option (RFC 7871 §6): the network a resolver's client is in, so an authority
/// can answer by location, and the scope of the network the answer is good for.
public struct ClientSubnet: Hashable, Sendable, CustomStringConvertible {
    /// The address with every bit past `sourcePrefixLength` cleared.
    public private(set) var address: IPAddress
    public private(set) var sourcePrefixLength: UInt8
    /// How much of the address decided the answer; 0 in queries and for answers that do not depend on it.
    public var scopePrefixLength: UInt8

    /// Address families from IANA's "Address Family Numbers".
    static let familyIPv4: UInt16 = 1
    static let familyIPv6: UInt16 = 2

    /// Builds the option for `address`/`sourcePrefixLength`, clearing the address bits past the prefix.
    ///
    /// Throws when a prefix length exceeds the address size (32 or 128).
    public init(address: IPAddress, sourcePrefixLength: UInt8, scopePrefixLength: UInt8 = 0) throws(DNSWireError) {
        let maximum: UInt8 = if case .v4 = address { 32 } else { 128 }
        guard sourcePrefixLength <= maximum, scopePrefixLength <= maximum else {
            throw .badClientSubnet(reason: "prefix length above \(maximum) for \(address)")
        }
        self.address = address.masked(to: sourcePrefixLength)
        self.sourcePrefixLength = sourcePrefixLength
        self.scopePrefixLength = scopePrefixLength
    }

    /// Reads the option, enforcing RFC 7871 §6 and §7.2.1: family 1 or 2, prefix lengths within the
    /// address size, exactly ceil(source / 8) address octets, and no address bits set past the prefix.
    public init(option: EDNSOption) throws(DNSWireError) {
        let data = option.data
        guard data.count >= 4 else { throw .badClientSubnet(reason: "option of \(data.count) octets is shorter than 4") }
        let family = UInt16(data[0]) << 8 | UInt16(data[1])
        let source = data[2]
        let scope = data[3]
        let size: Int
        switch family {
        case Self.familyIPv4: size = 4
        case Self.familyIPv6: size = 16
        default: throw .badClientSubnet(reason: "unknown address family \(family); expected 1 (IPv4) or 2 (IPv6)")
        }
        guard Int(source) <= size * 8, Int(scope) <= size * 8 else {
            throw .badClientSubnet(reason: "prefix length above \(size * 8)")
        }
        let octets = (Int(source) + 7) / 8
        guard data.count - 4 == octets else {
            throw .badClientSubnet(reason: "\(data.count - 4) address octets for a /\(source) prefix; expected \(octets)")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        bytes.replaceSubrange(0..<octets, with: data[4...])
        if source % 8 != 0, bytes[octets - 1] & (0xFF >> (source % 8)) != 0 {
            throw .badClientSubnet(reason: "address bits set past the /\(source) prefix")
        }
        address = size == 4 ? .v4(IPv4Address(bytes: bytes)) : .v6(IPv6Address(bytes: bytes))
        sourcePrefixLength = source
        scopePrefixLength = scope
    }

    /// The option as it goes on the wire: the address cut to ceil(source / 8) octets.
    public var option: EDNSOption {
        let family: UInt16 = if case .v4 = address { Self.familyIPv4 } else { Self.familyIPv6 }
        var data: [UInt8] = [UInt8(family >> 8), UInt8(family & 0xFF), sourcePrefixLength, scopePrefixLength]
        data.append(contentsOf: address.bytes.prefix((Int(sourcePrefixLength) + 7) / 8))
        return EDNSOption(code: .clientSubnet, data: data)
    }

    /// `192.0.2.0/24/0`, as `dig +subnet` prints it.
    public var description: String { "\(address)/\(sourcePrefixLength)/\(scopePrefixLength)" }
}
