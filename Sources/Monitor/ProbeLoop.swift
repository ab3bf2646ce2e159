import CCurl
import DNSWire
import Foundation
import HeapModule
import Model
import Synchronization

/// The monitor's one thread: schedules every target, runs HTTP(S) and TCP probes as transfers of one
/// libcurl multi handle and UDP probes as non-blocking sockets in the same poll, turns results into
/// verdicts and publishes each batch of changes. Nothing here waits on a single probe, so a slow or
/// black-holed endpoint never delays the others.
///
/// Thread-confined: everything but `inbox` and `statistics` is touched only by `run()`'s thread.
final class ProbeLoop: @unchecked Sendable {
    struct Inbox {
        var targets: (list: [ProbeTarget], known: [EndpointKey: HealthState])?
        var resolved: [(key: EndpointKey, epoch: Int, address: Result<IPAddress, ProbeFailure>)] = []
        var stopping = false
    }

    private struct Watched {
        var target: ProbeTarget
        var machine: HealthStateMachine<ContinuousClock.Instant>
        /// Changes whenever the target's definition does; results of older probes are dropped.
        var epoch: Int
        var isProbing = false
        var started: ContinuousClock.Instant?
    }

    /// When a target's next probe is due.
    private struct Due: Comparable {
        var at: ContinuousClock.Instant
        var key: EndpointKey
        var epoch: Int
        static func < (lhs: Due, rhs: Due) -> Bool { lhs.at < rhs.at }
        static func == (lhs: Due, rhs: Due) -> Bool { lhs.at == rhs.at && lhs.key == rhs.key && lhs.epoch == rhs.epoch }
    }

    /// The longest a first probe waits after its target appears: phases are spread at random over the
    /// interval (at most this), so 10,000 targets added at once do not fire in the same millisecond.
    static let firstProbeSpread = Duration.seconds(10)
    /// Idle easy handles kept for reuse; more are made when many probes are in flight at once.
    static let idleHandles = 256

    let inbox = Mutex(Inbox())
    let statistics = Mutex(MonitorStatistics())
    let multi: CurlMulti
    private let onResult: (@Sendable (EndpointKey, ProbeResult) -> Void)?
    private let onUpdate: @Sendable (HealthUpdate) -> Void
    private let clock = ContinuousClock()

    private var watched: [EndpointKey: Watched] = [:]
    private var schedule = Heap<Due>()
    private var transfers: [UnsafeMutableRawPointer: (easy: CurlEasy, key: EndpointKey, epoch: Int)] = [:]
    private var idle: [CurlEasy] = []
    private var datagrams: [UDPProbe] = []
    private var health = HealthTable()
    private var changes: [HealthChange] = []
    private var nextEpoch = 0
    private var random = SystemRandomNumberGenerator()

    init?(onResult: (@Sendable (EndpointKey, ProbeResult) -> Void)?, onUpdate: @escaping @Sendable (HealthUpdate) -> Void) {
        guard let multi = CurlMulti() else { return nil }
        self.multi = multi
        self.onResult = onResult
        self.onUpdate = onUpdate
    }

    /// Runs until `inbox.stopping` is set.
    func run() {
        while true {
            let (targets, resolved, stopping) = inbox.withLock { inbox in
                defer { inbox.targets = nil; inbox.resolved = [] }
                return (inbox.targets, inbox.resolved, inbox.stopping)
            }
            if stopping { break }
            if let targets { replaceTargets(with: targets.list, known: targets.known) }
            for (key, epoch, address) in resolved { sendDatagram(key: key, epoch: epoch, to: address) }

            startDueProbes()
            multi.perform()
            for (handle, code) in multi.finished() { finishTransfer(handle, code: code) }
            receiveDatagrams()
            publish()

            var waiting = datagrams.map { curl_waitfd(fd: $0.fd, events: Int16(CURL_WAIT_POLLIN), revents: 0) }
            multi.poll(extra: &waiting, milliseconds: pollTimeout())
        }
        for (easy, _, _) in transfers.values { multi.remove(easy) }
        transfers = [:]
        datagrams = []
    }

    // MARK: Targets

    private func replaceTargets(with targets: [ProbeTarget], known: [EndpointKey: HealthState]) {
        let now = clock.now
        let wanted = Dictionary(targets.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        for key in watched.keys where wanted[key] == nil {
            watched[key] = nil
            health.remove(key)
        }
        for (key, target) in wanted {
            if let existing = watched[key] {
                guard existing.target != target else { continue }
                let monitor = target.monitor
                watched[key] = Watched(target: target, machine: HealthStateMachine(failureThreshold: monitor.failureThreshold,
                                                                                   successThreshold: monitor.successThreshold,
                                                                                   keeping: existing.machine),
                                       epoch: newEpoch())
            } else {
                let state = known[key] ?? .unknown
                watched[key] = Watched(target: target, machine: HealthStateMachine(failureThreshold: target.monitor.failureThreshold,
                                                                                   successThreshold: target.monitor.successThreshold,
                                                                                   state: state),
                                       epoch: newEpoch())
                if state != .unknown { health.set(state, for: key) }
            }
            let spread = min(target.monitor.interval, Self.firstProbeSpread)
            let offset = Duration.nanoseconds(Int64.random(in: 0..<max(1, spread.nanosecondCount), using: &random))
            schedule.insert(Due(at: now + offset, key: key, epoch: watched[key]!.epoch))
        }
        statistics.withLock { $0.targets = watched.count }
    }

    private func newEpoch() -> Int {
        nextEpoch += 1
        return nextEpoch
    }

    // MARK: Starting probes

    private func startDueProbes() {
        let now = clock.now
        var lags: [Duration] = []
        var skipped = 0
        while let due = schedule.min, due.at <= now {
            schedule.removeMin()
            guard var entry = watched[due.key], entry.epoch == due.epoch else { continue }  // removed or replaced
            let interval = entry.target.monitor.interval
            // Fixed rate keeps the phases spread; after a stall, start again from now instead of bursting.
            let next = due.at + interval > now ? due.at + interval : now + interval
            schedule.insert(Due(at: next, key: due.key, epoch: due.epoch))
            if entry.isProbing {
                skipped += 1
                continue
            }
            entry.isProbing = true
            entry.started = now
            watched[due.key] = entry
            lags.append(due.at.duration(to: now))
            start(entry.target, epoch: entry.epoch, now: now)
        }
        if !lags.isEmpty || skipped > 0 {
            statistics.withLock { $0.record(lags: lags, skipped: skipped) }
        }
    }

    private func start(_ target: ProbeTarget, epoch: Int, now: ContinuousClock.Instant) {
        switch target.monitor.protocol {
        case .http, .https, .tcp:
            guard let easy = idle.popLast() ?? CurlEasy() else {
                return record(ProbeResult(isSuccess: false, detail: "libcurl could not make a handle", latency: .zero),
                              key: target.key, epoch: epoch)
            }
            easy.reset()
            CurlProbe.configure(easy, for: target)
            guard multi.add(easy) else {
                return record(ProbeResult(isSuccess: false, detail: "libcurl refused the transfer", latency: .zero),
                              key: target.key, epoch: epoch)
            }
            transfers[easy.handle] = (easy, target.key, epoch)
        case .udp:
            switch target.value {
            case .address(let address):
                sendDatagram(key: target.key, epoch: epoch, to: .success(address))
            case .target(let name):
                let key = target.key
                NameResolver.resolve(name) { [self] address in
                    inbox.withLock { $0.resolved.append((key, epoch, address)) }
                    multi.wakeUp()
                }
            }
        }
    }

    private func sendDatagram(key: EndpointKey, epoch: Int, to address: Result<IPAddress, ProbeFailure>) {
        guard let entry = watched[key], entry.epoch == epoch, let started = entry.started else { return }
        let outcome = address.flatMap { UDPProbe.start(entry.target, address: $0, epoch: epoch, started: started) }
        switch outcome {
        case .success(let probe): datagrams.append(probe)
        case .failure(let failure):
            record(ProbeResult(isSuccess: false, detail: failure.detail, latency: started.duration(to: clock.now)), key: key, epoch: epoch)
        }
    }

    // MARK: Results

    private func finishTransfer(_ handle: UnsafeMutableRawPointer, code: CURLcode) {
        guard let (easy, key, epoch) = transfers.removeValue(forKey: handle) else { return }
        multi.remove(easy)
        if let target = watched[key]?.target {
            record(CurlProbe.result(of: easy, code: code, for: target), key: key, epoch: epoch)
        }
        if idle.count < Self.idleHandles { idle.append(easy) }
    }

    private func receiveDatagrams() {
        guard !datagrams.isEmpty else { return }
        let now = clock.now
        datagrams.removeAll { probe in
            if let result = probe.receive(now: now) ?? (now >= probe.deadline ? probe.timedOut : nil) {
                record(result, key: probe.key, epoch: probe.epoch)
                return true
            }
            return false
        }
    }

    private func record(_ result: ProbeResult, key: EndpointKey, epoch: Int) {
        guard var entry = watched[key], entry.epoch == epoch else { return }
        entry.isProbing = false
        onResult?(key, result)
        if let transition = entry.machine.record(result, at: clock.now) {
            health.set(transition.to, for: key)
            changes.append(HealthChange(endpoint: key, from: transition.from, to: transition.to, causes: transition.causes,
                                        time: .now))
        }
        watched[key] = entry
    }

    private func publish() {
        guard !changes.isEmpty else { return }
        let update = HealthUpdate(health: health, changes: changes)
        changes = []
        onUpdate(update)
    }

    // MARK: Waiting

    /// Until the next probe is due or a datagram times out, at most a second (libcurl shortens it for
    /// its own timers); rounded up, so the loop does not spin on a sub-millisecond rest.
    private func pollTimeout() -> Int32 {
        var until = clock.now + .seconds(1)
        if let due = schedule.min { until = min(until, due.at) }
        for probe in datagrams { until = min(until, probe.deadline) }
        let wait = clock.now.duration(to: until)
        guard wait > .zero else { return 0 }
        return Int32(min(1000, (wait.nanosecondCount + 999_999) / 1_000_000))
    }
}

extension Timestamp {
    /// The wall clock now.
    static var now: Timestamp {
        Timestamp(millisecondsSince1970: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}
