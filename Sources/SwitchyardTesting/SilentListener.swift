import Foundation

/// A TCP listener on 127.0.0.1 that accepts every connection and never answers or closes it: a remote
/// that hangs (a black-holed or stalled server seen from the client). `connections` counts the accepted.
public final class SilentListener: @unchecked Sendable {
    public let port: Int
    private let descriptor: Int32
    private let lock = NSLock()
    private var accepted: [Int32] = []
    private var stopped = false

    public init() throws {
        let (descriptor, port) = try boundLoopbackSocket(Int32(SOCK_STREAM.rawValue))
        guard listen(descriptor, 64) == 0 else {
            close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        self.descriptor = descriptor
        self.port = port
        let thread = Thread { [self] in
            while true {
                let connection = accept(descriptor, nil, nil)
                guard connection >= 0 else { return }  // closed by stop()
                let keep = lock.withLock { () -> Bool in
                    if !stopped { accepted.append(connection) }
                    return !stopped
                }
                if !keep { close(connection) }
            }
        }
        thread.start()
    }

    public var connections: Int { lock.withLock { accepted.count } }

    public func stop() {
        let open = lock.withLock { () -> [Int32] in
            guard !stopped else { return [] }
            stopped = true
            return accepted
        }
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
        for connection in open { close(connection) }
    }

    deinit { stop() }
}
