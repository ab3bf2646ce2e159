import DNSWire
import Foundation
import Model
#if canImport(Glibc)
import Glibc
#endif

/// Resolves secondaries given by host name, when a config is read or sent (never on the control loop):
/// each name's IPv4 and IPv6 addresses, through the system resolver. A name that does not resolve
/// maps to no address, and its secondary gets neither NOTIFY nor transfers until it does.
enum HostResolver {
    /// The addresses of every host name among the secondaries of `state`'s zones and catalogs.
    static func addresses(for state: DesiredState) -> [String: [IPAddress]] {
        var names: Set<String> = []
        for secondary in state.zones.flatMap(\.secondaries) + state.catalogs.flatMap(\.secondaries) {
            if case .name(let name) = secondary.host { names.insert(name) }
        }
        return Dictionary(uniqueKeysWithValues: names.sorted().map { ($0, resolve($0)) })
    }

    /// Blocking `getaddrinfo`; addresses in the order returned, each once.
    static func resolve(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0,
               let address = IPAddress(String(cString: text)), !addresses.contains(address) {
                addresses.append(address)
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }
}
