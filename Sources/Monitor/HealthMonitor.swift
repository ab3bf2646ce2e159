import Foundation
import Synchronization
import Model

/// A batch of health changes, with the whole table after them: what `Authority` rebuilds from.
public struct HealthUpdate: Sendable {
    public let health: HealthTable
    public let changes: [HealthChange]

    public init(health: HealthTable, changes: [HealthChange]) {
        self.health = health
        self.changes = changes
    }
}

/// Probes every target on its schedule and reports each change of verdict. One thread does all the
/// work (see `ProbeLoop`); the methods here are safe to call from anywhere.
public final class HealthMonitor: Sendable {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String { "libcurl could not be initialised" }
    }

    private let loop: ProbeLoop
    private let finished = DispatchSemaphore(value: 0)
    private let state = Mutex<(started: Bool, stopped: Bool)>((false, false))

    /// `onResult` sees every probe result (for logs and status); `onUpdate` gets each batch of verdict
    /// changes. Both are called on the monitor's thread and must return quickly.
    public init(onResult: (@Sendable (EndpointKey, ProbeResult) -> Void)? = nil,
                onUpdate: @escaping @Sendable (HealthUpdate) -> Void) throws {
        guard let loop = ProbeLoop(onResult: onResult, onUpdate: onUpdate) else { throw Unavailable() }
        self.loop = loop
    }

    /// Replaces the set of targets. Targets that stay keep their verdict (a changed monitor keeps it too,
    /// with its counts restarted); new ones start with their verdict in `knownHealth` (the last known
    /// before a restart), else unknown, and their first probe at a random point of their interval;
    /// removed ones are forgotten.
    public func update(_ targets: [ProbeTarget], knownHealth: [EndpointKey: HealthState] = [:]) {
        loop.inbox.withLock { $0.targets = (targets, knownHealth) }
        loop.multi.wakeUp()
    }

    /// Starts the monitor's thread; once only.
    public func start() {
        guard state.withLock({ state in defer { state.started = true }; return !state.started }) else { return }
        let (loop, finished) = (loop, finished)
        let thread = Thread {
            loop.run()
            finished.signal()
        }
        thread.name = "switchyard-monitor"
        thread.start()
    }

    /// Stops probing and waits for the thread to end; probes in flight are abandoned.
    public func stop() {
        let wasRunning = state.withLock { state in defer { state.stopped = true }; return state.started && !state.stopped }
        loop.inbox.withLock { $0.stopping = true }
        loop.multi.wakeUp()
        if wasRunning { finished.wait() }
    }

    public var statistics: MonitorStatistics { loop.statistics.withLock { $0 } }

    deinit { stop() }
}
