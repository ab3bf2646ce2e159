import DNSWire
import Foundation
import Model
import Monitor

/// Everything a monitor reported, in order: each probe result (with when it arrived) and each change.
final class ProbeRecorder: @unchecked Sendable {
    enum Entry {
        case result(EndpointKey, ProbeResult, at: ContinuousClock.Instant)
        case change(HealthChange)
    }

    private let lock = NSLock()
    private var entries: [Entry] = []

    var all: [Entry] { lock.withLock { entries } }

    func results(for key: EndpointKey) -> [ProbeResult] {
        all.compactMap { if case .result(key, let result, _) = $0 { result } else { nil } }
    }

    func changes(for key: EndpointKey) -> [HealthChange] {
        all.compactMap { if case .change(let change) = $0, change.endpoint == key { change } else { nil } }
    }

    /// A monitor that reports here, started on `targets`.
    func monitor(_ targets: [ProbeTarget]) throws -> HealthMonitor {
        let monitor = try HealthMonitor(
            onResult: { [self] key, result in lock.withLock { entries.append(.result(key, result, at: .now)) } },
            onUpdate: { [self] update in lock.withLock { entries += update.changes.map(Entry.change) } })
        monitor.update(targets)
        monitor.start()
        return monitor
    }

    /// Waits until `condition` holds, polling every 20 ms, for at most `timeout`.
    func wait(timeout: Duration = .seconds(20), until condition: (ProbeRecorder) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(self)
    }
}

/// A probe target on a loopback endpoint with a test's monitor settings (faster than manifests allow).
func probeTarget(_ proto: Monitor.ProbeProtocol, address: String = "127.0.0.1", port: Int, name: String = "test",
                 host: String? = nil, expectStatus: [StatusMatch] = [], expectBody: String? = nil,
                 interval: Duration = .milliseconds(150), timeout: Duration = .milliseconds(1000),
                 failureThreshold: Int = 3, successThreshold: Int = 2, tlsVerify: Bool = true, caFile: String? = nil,
                 send: String? = nil, expect: String? = nil) -> ProbeTarget {
    let monitor = Monitor(name: name, protocol: proto, port: UInt16(port), path: "/health", host: host,
                          expectStatus: expectStatus, expectBody: expectBody, interval: interval, timeout: timeout,
                          failureThreshold: failureThreshold, successThreshold: successThreshold, tlsVerify: tlsVerify,
                          caFile: caFile, send: send.map { Array($0.utf8) }, expect: expect.map { Array($0.utf8) })
    return ProbeTarget(key: EndpointKey(monitor: name, value: .address(IPAddress(address)!)), monitor: monitor)
}
