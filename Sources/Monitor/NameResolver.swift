#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import DNSWire

/// Resolves the host name a UDP probe must reach (a CNAME or ALIAS policy's endpoint) off the monitor's
/// thread, since getaddrinfo blocks; libcurl resolves for HTTP and TCP probes itself.
enum NameResolver {
    static func resolve(_ name: Name, completion: @escaping @Sendable (Result<IPAddress, ProbeFailure>) -> Void) {
        let host = name.description.hasSuffix(".") ? String(name.description.dropLast()) : name.description
        DispatchQueue.global().async { completion(lookUp(host)) }
    }

    private static func lookUp(_ host: String) -> Result<IPAddress, ProbeFailure> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let list else {
            return .failure(ProbeFailure(detail: "cannot resolve \(host): \(String(cString: gai_strerror(status)))"))
        }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            if let address = current.pointee.ai_addr.flatMap(ipAddress) { return .success(address) }
            entry = current.pointee.ai_next
        }
        return .failure(ProbeFailure(detail: "no address for \(host)"))
    }

    private static func ipAddress(_ socketAddress: UnsafeMutablePointer<sockaddr>) -> IPAddress? {
        switch Int32(socketAddress.pointee.sa_family) {
        case AF_INET:
            return socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                .v4(IPv4Address(UInt32(bigEndian: $0.pointee.sin_addr.s_addr)))
            }
        case AF_INET6:
            return socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                var address = $0.pointee.sin6_addr
                return .v6(IPv6Address(bytes: withUnsafeBytes(of: &address) { Array($0) }))
            }
        default:
            return nil
        }
    }
}
