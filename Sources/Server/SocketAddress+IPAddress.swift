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
            return withUnsafeBytes(of: &storage) { IPAddress(v6Bytes: $0) }
        case .unixDomainSocket:
            return nil
        }
    }
}
