import Foundation

/// A loopback port that is free for both TCP and UDP right now (for peers that cannot take port 0).
public func freeLoopbackPort() throws -> Int {
    for _ in 0..<20 {
        let tcp = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let udp = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer {
            close(tcp)
            close(udp)
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(tcp, pointer, length) == 0 && getsockname(tcp, pointer, &length) == 0
            }
        }
        guard bound else { continue }
        let udpBound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(udp, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        if udpBound { return Int(UInt16(bigEndian: address.sin_port)) }
    }
    throw POSIXError(.EADDRINUSE)
}
