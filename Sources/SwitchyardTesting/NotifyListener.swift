import Foundation

/// A UDP socket on 127.0.0.1 standing in for a secondary that only listens for NOTIFY (RFC 1996): it
/// keeps every NOTIFY it gets and acknowledges it (the same message back with QR set), so the sender
/// does not retry.
public final class NotifyListener: @unchecked Sendable {
    public let port: Int
    private let state = State()

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var received: [[UInt8]] = []
        var stopped = false
    }

    public init() throws {
        let (descriptor, port) = try boundLoopbackSocket(Int32(SOCK_DGRAM.rawValue))
        self.port = port
        // A short receive timeout lets the thread see stop() and close the socket itself.
        var wait = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [state] in
            defer { close(descriptor) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !state.lock.withLock({ state.stopped }) {
                var sender = sockaddr_storage()
                var senderLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
                let count = buffer.withUnsafeMutableBytes { bytes in
                    withUnsafeMutablePointer(to: &sender) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            recvfrom(descriptor, bytes.baseAddress, bytes.count, 0, $0, &senderLength)
                        }
                    }
                }
                guard count >= 12 else { continue }
                var message = Array(buffer[..<count])
                // Opcode 4 in a query: a NOTIFY.
                guard message[2] & 0x80 == 0, (message[2] >> 3) & 0x0F == 4 else { continue }
                state.lock.withLock { state.received.append(message) }
                message[2] |= 0x80
                _ = message.withUnsafeBytes { bytes in
                    withUnsafePointer(to: &sender) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(descriptor, bytes.baseAddress, bytes.count, 0, $0, senderLength)
                        }
                    }
                }
            }
        }
        thread.start()
    }

    /// Every NOTIFY received so far, as it came.
    public var notifies: [[UInt8]] { state.lock.withLock { state.received } }

    /// Stops listening (within a fifth of a second).
    public func stop() { state.lock.withLock { state.stopped = true } }

    deinit { stop() }
}
