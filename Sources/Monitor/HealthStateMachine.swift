import Model

/// One endpoint's health verdict from its probe results: thresholds and hysteresis, nothing else
/// (gdnsd's split: probes report raw results, this decides, answers read the published table).
///
/// | state   | result  | consecutive count reaches | new state |
/// |---------|---------|---------------------------|-----------|
/// | unknown | success | successThreshold          | up        |
/// | unknown | failure | failureThreshold          | down      |
/// | up      | failure | failureThreshold          | down      |
/// | down    | success | successThreshold          | up        |
///
/// A result of the other kind resets the count. Unknown is served as up (see `HealthState`), so a
/// restart fails nothing over. A value type taking time as a parameter: tests drive it without clocks.
public struct HealthStateMachine<Instant: InstantProtocol>: Sendable where Instant: Sendable {
    public let failureThreshold: Int
    public let successThreshold: Int
    public private(set) var state: HealthState = .unknown
    /// When `state` was entered; nil until the first verdict.
    public private(set) var since: Instant? = nil
    /// The results of the current run of equal outcomes, newest last (at most the larger threshold).
    public private(set) var run: [ProbeResult] = []

    public init(failureThreshold: Int, successThreshold: Int) {
        precondition(failureThreshold >= 1 && successThreshold >= 1, "thresholds are at least 1")
        self.failureThreshold = failureThreshold
        self.successThreshold = successThreshold
    }

    /// A machine that starts from a verdict known from before (the last one stored before a restart).
    public init(failureThreshold: Int, successThreshold: Int, state: HealthState) {
        self.init(failureThreshold: failureThreshold, successThreshold: successThreshold)
        self.state = state
    }

    /// A machine with new thresholds that keeps `earlier`'s verdict (a changed monitor must not put a
    /// down endpoint back into service) but starts counting afresh.
    public init(failureThreshold: Int, successThreshold: Int, keeping earlier: HealthStateMachine) {
        self.init(failureThreshold: failureThreshold, successThreshold: successThreshold)
        state = earlier.state
        since = earlier.since
    }

    /// Records one probe result at `now`; returns the transition when it changes the verdict.
    public mutating func record(_ result: ProbeResult, at now: Instant) -> HealthTransition<Instant>? {
        if let last = run.last, last.isSuccess != result.isSuccess { run.removeAll(keepingCapacity: true) }
        run.append(result)
        if run.count > max(failureThreshold, successThreshold) { run.removeFirst() }

        let target: HealthState
        if result.isSuccess {
            guard state != .up, run.count >= successThreshold else { return nil }
            target = .up
        } else {
            guard state != .down, run.count >= failureThreshold else { return nil }
            target = .down
        }
        let transition = HealthTransition(from: state, to: target, at: now, causes: run)
        state = target
        since = now
        return transition
    }
}

/// A change of an endpoint's verdict, with the probe results that caused it (for failover events).
public struct HealthTransition<Instant: InstantProtocol>: Sendable where Instant: Sendable {
    public let from: HealthState
    public let to: HealthState
    public let at: Instant
    public let causes: [ProbeResult]
}
