import Foundation

/// A blocking UDP client for many quick queries on loopback (dig is too slow for thousands).
public final class UDPClient {
    private let socket: Int32
    private var address: sockaddr_storage
    private let length: socklen_t

    /// Connects to `host` (IPv4 or IPv6 literal) and `port`, with a receive timeout of `timeout` seconds.
    public init(host: String, port: Int, timeout: Int = 2) throws {
        var storage = sockaddr_storage()
        let family: Int32
        if host.contains(":") {
            var v6 = sockaddr_in6()
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET6, host, &v6.sin6_addr)
            withUnsafeBytes(of: v6) { bytes in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) } }
            family = AF_INET6
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            var v4 = sockaddr_in()
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = in_port_t(UInt16(port).bigEndian)
            v4.sin_addr.s_addr = inet_addr(host)
            withUnsafeBytes(of: v4) { bytes in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) } }
            family = AF_INET
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        }
        address = storage
        socket = Glibc.socket(family, Int32(SOCK_DGRAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EIO) }
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(socket) }

    /// Sends `query` and returns the first datagram back, or nil after the timeout.
    public func exchange(_ query: [UInt8]) -> [UInt8]? {
        let sent = query.withUnsafeBytes { bytes in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(socket, bytes.baseAddress, bytes.count, 0, $0, length) }
            }
        }
        guard sent == query.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let received = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        return received > 0 ? Array(buffer[..<received]) : nil
    }
}
