import DNSWire
import NIOCore

extension SocketAddress {
    /// The IP address, read straight from the socket address (no text round trip on the query path);
    /// IPv4-mapped IPv6 addresses come back as IPv4, so access lists and GeoIP see one form.
    var dnsAddress: IPAddress? {
        switch self {
        case .v4(let address):
            return .v4(DNSWire.IPv4Address(UInt32(bigEndian: address.address.sin_addr.s_addr)))
        case .v6(let address):
            var storage = address.address.sin6_addr
            let bytes = withUnsafeBytes(of: &storage) { Array($0) }
            let v6 = DNSWire.IPv6Address(bytes: bytes)
            if v6.high == 0 && v6.low >> 32 == 0x0000_FFFF {
                return .v4(DNSWire.IPv4Address(UInt32(truncatingIfNeeded: v6.low)))
            }
            return .v6(v6)
        case .unixDomainSocket:
            return nil
        }
    }
}
