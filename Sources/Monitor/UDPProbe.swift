#if canImport(Glibc)
import Glibc
#endif
import DNSWire
import Model

/// A UDP probe in flight: a connected, non-blocking socket that sent the monitor's payload and waits for
/// a reply. Connected, so an ICMP port-unreachable comes back as ECONNREFUSED instead of a timeout.
final class UDPProbe {
    let fd: Int32
    let key: EndpointKey
    let epoch: Int
    let started: ContinuousClock.Instant
    let deadline: ContinuousClock.Instant
    private let expect: [UInt8]?
    private let timeout: Duration

    private init(fd: Int32, target: ProbeTarget, epoch: Int, started: ContinuousClock.Instant) {
        self.fd = fd
        key = target.key
        self.epoch = epoch
        self.started = started
        timeout = target.monitor.timeout
        deadline = started + target.monitor.timeout
        expect = target.monitor.expect
    }

    deinit { close(fd) }

    /// Sends the payload to `address`; the probe in flight, or the failure when it could not even send.
    static func start(_ target: ProbeTarget, address: IPAddress, epoch: Int, started: ContinuousClock.Instant)
        -> Result<UDPProbe, ProbeFailure> {
        let family = if case .v4 = address { AF_INET } else { AF_INET6 }
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(ProbeFailure(detail: "socket: \(errnoText())")) }
        let probe = UDPProbe(fd: fd, target: target, epoch: epoch, started: started)
        let connected = withSocketAddress(address, port: target.monitor.port) { connect(fd, $0, $1) }
        guard connected == 0 else { return .failure(ProbeFailure(detail: "connect: \(errnoText())")) }
        let payload = target.monitor.send ?? []
        let sent = payload.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == payload.count else { return .failure(ProbeFailure(detail: "send: \(errnoText())")) }
        return .success(probe)
    }

    /// The outcome once a reply (or an error) arrived; nil while still waiting.
    func receive(now: ContinuousClock.Instant) -> ProbeResult? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        let latency = started.duration(to: now)
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return nil }
            return ProbeResult(isSuccess: false, detail: "receive: \(errnoText())", latency: latency)
        }
        let reply = buffer[..<count]
        if let expect, !expect.isEmpty, reply.firstRange(of: expect) == nil {
            return ProbeResult(isSuccess: false, detail: "reply of \(count) bytes does not contain \"\(String(decoding: expect, as: UTF8.self))\"",
                               latency: latency)
        }
        return ProbeResult(isSuccess: true, detail: "reply of \(count) bytes", latency: latency)
    }

    var timedOut: ProbeResult {
        ProbeResult(isSuccess: false, detail: "no reply within \(timeout.readable)", latency: timeout)
    }
}

/// Why a probe failed before it could run.
struct ProbeFailure: Error {
    let detail: String
}

/// Calls `body` with `address`:`port` as a `sockaddr`.
func withSocketAddress<Result>(_ address: IPAddress, port: UInt16,
                               _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
    switch address {
    case .v4(let v4):
        var storage = sockaddr_in()
        storage.sin_family = sa_family_t(AF_INET)
        storage.sin_port = port.bigEndian
        storage.sin_addr.s_addr = v4.value.bigEndian
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    case .v6(let v6):
        var storage = sockaddr_in6()
        storage.sin6_family = sa_family_t(AF_INET6)
        storage.sin6_port = port.bigEndian
        withUnsafeMutableBytes(of: &storage.sin6_addr) { $0.copyBytes(from: v6.bytes) }
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
        }
    }
}

func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}
