import Model
import Testing
@testable import Monitor

/// An instant the test moves by hand.
struct ManualInstant: InstantProtocol, Sendable {
    var offset: Duration
    func advanced(by duration: Duration) -> ManualInstant { ManualInstant(offset: offset + duration) }
    func duration(to other: ManualInstant) -> Duration { other.offset - offset }
    static func < (lhs: ManualInstant, rhs: ManualInstant) -> Bool { lhs.offset < rhs.offset }
}

@Suite("Health state machine")
struct HealthStateMachineTests {
    let ok = ProbeResult(isSuccess: true, detail: "HTTP 200", latency: .milliseconds(3))
    let bad = ProbeResult(isSuccess: false, detail: "connection refused", latency: .milliseconds(1))

    func at(_ seconds: Int) -> ManualInstant { ManualInstant(offset: .seconds(seconds)) }

    @Test func thresholdsHoldExactly() {
        var machine = HealthStateMachine<ManualInstant>(failureThreshold: 3, successThreshold: 2)
        #expect(machine.state == .unknown)
        #expect(machine.record(ok, at: at(1)) == nil)  // one success of two: still unknown
        let up = machine.record(ok, at: at(2))
        #expect(up?.from == .unknown && up?.to == .up && up?.at == at(2))
        #expect(machine.state == .up && machine.since == at(2))

        #expect(machine.record(bad, at: at(3)) == nil)
        #expect(machine.record(bad, at: at(4)) == nil)  // n-1 failures do nothing
        let down = machine.record(bad, at: at(5))
        #expect(down?.to == .down)
        #expect(down?.causes == [bad, bad, bad])
        #expect(machine.record(bad, at: at(6)) == nil)  // already down: no new transition
    }

    @Test func hysteresisOnRecoveryAndResets() {
        var machine = HealthStateMachine<ManualInstant>(failureThreshold: 2, successThreshold: 3)
        _ = machine.record(bad, at: at(1))
        #expect(machine.record(bad, at: at(2))?.to == .down)  // from unknown straight to down
        #expect(machine.record(ok, at: at(3)) == nil)
        #expect(machine.record(ok, at: at(4)) == nil)
        #expect(machine.record(bad, at: at(5)) == nil)  // a failure resets the run of successes
        #expect(machine.record(ok, at: at(6)) == nil)
        #expect(machine.record(ok, at: at(7)) == nil)
        let up = machine.record(ok, at: at(8))
        #expect(up?.from == .down && up?.to == .up && up?.causes.count == 3)
        // A single flap while up does not fail over (failureThreshold 2).
        #expect(machine.record(bad, at: at(9)) == nil)
        #expect(machine.record(ok, at: at(10)) == nil)
        #expect(machine.state == .up)
    }

    @Test func thresholdOfOneActsAtOnce() {
        var machine = HealthStateMachine<ManualInstant>(failureThreshold: 1, successThreshold: 1)
        #expect(machine.record(bad, at: at(1))?.to == .down)
        #expect(machine.record(ok, at: at(2))?.to == .up)
        #expect(machine.run == [ok])
    }
}

extension HealthTransition: Equatable where Instant: Equatable {
    public static func == (lhs: HealthTransition, rhs: HealthTransition) -> Bool {
        lhs.from == rhs.from && lhs.to == rhs.to && lhs.at == rhs.at && lhs.causes == rhs.causes
    }
}
