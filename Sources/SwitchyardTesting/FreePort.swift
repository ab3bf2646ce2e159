import Foundation

/// A loopback port that is free for both TCP and UDP right now (for peers that cannot take port 0).
///
/// Picked at random below Linux's ephemeral range (32768–60999), where the kernel never places the
/// source port of an outgoing connection or a socket bound to port 0, and never the same one twice in
/// this process: tests running in parallel do not race each other or the system for it.
public func freeLoopbackPort() throws -> Int {
    for _ in 0..<200 {
        let candidate = Int.random(in: 20_000..<32_768)
        guard handedOut.withLock({ $0.insert(candidate).inserted }) else { continue }
        if isFree(candidate) { return candidate }
    }
    throw POSIXError(.EADDRINUSE)
}

private let handedOut = NSLockedSet()

private final class NSLockedSet: @unchecked Sendable {
    private let lock = NSLock()
    private var ports: Set<Int> = []

    func withLock<R>(_ body: (inout Set<Int>) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&ports)
    }
}

/// A socket of `type` (SOCK_STREAM, SOCK_DGRAM) bound to 127.0.0.1 on a port the kernel picks, and that port.
func boundLoopbackSocket(_ type: Int32) throws -> (descriptor: Int32, port: Int) {
    let descriptor = socket(AF_INET, type, 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
            bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
        }
    }
    guard descriptor >= 0, bound else {
        close(descriptor)
        throw POSIXError(.EADDRINUSE)
    }
    return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
}

/// Whether TCP and UDP can both bind `port` on 127.0.0.1 now.
private func isFree(_ port: Int) -> Bool {
    [Int32(SOCK_STREAM.rawValue), Int32(SOCK_DGRAM.rawValue)].allSatisfy { type in
        let descriptor = socket(AF_INET, type, 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
