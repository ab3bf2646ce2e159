import AdminAPI
import Testing
@testable import Controller

/// Peers pull only what changed: every change of a served verdict is numbered, a cursor from this run
/// gets the entries numbered after it, and the puller merges them into what it holds.
@Suite("Verdict exchange")
struct VerdictExchangeTests {
    static func entry(_ endpoint: String, _ state: String, latency: Double = 1) -> AdminAPI.Verdicts.Verdict {
        .init(endpoint: endpoint, state: state, since: 1000, ok: state == "up", detail: "connected", latencyMilliseconds: latency)
    }

    @Test func onlyChangesAfterTheCursorAreSent() {
        var versions = VerdictVersions()
        let first = versions.number(["web": [Self.entry("a", "up"), Self.entry("b", "up")]], after: nil)
        #expect(first.changed == nil && first.sequence == 2)
        let cursor = VerdictCursor(instance: first.instance, generation: 1, sequence: first.sequence)
        #expect(versions.number(["web": [Self.entry("a", "up"), Self.entry("b", "up")]], after: cursor).changed == [])
        let second = versions.number(["web": [Self.entry("a", "up"), Self.entry("b", "down")]], after: cursor)
        #expect(second.changed == ["web b"] && second.sequence == 3)
        // A latency of another whole millisecond is a change too; the same one is not.
        #expect(versions.number(["web": [Self.entry("a", "up", latency: 2), Self.entry("b", "down")]], after: cursor).changed
            == ["web a", "web b"])
        // A cursor of another run, or from the future, gets everything.
        #expect(versions.number(["web": [Self.entry("a", "up")]], after: VerdictCursor(instance: "other", generation: 1, sequence: 1)).changed == nil)
        #expect(versions.number(["web": [Self.entry("a", "up")]], after: VerdictCursor(instance: first.instance, generation: 1, sequence: 99)).changed == nil)
    }

    @Test func aPartialAnswerIsMergedIntoWhatIsHeld() {
        let held = AdminAPI.Verdicts(node: "iad", revision: "r1", generation: 1, instance: "i", sequence: 2, monitors: [
            .init(name: "web", definition: "d1", endpoints: [Self.entry("a", "up"), Self.entry("b", "up")]),
            .init(name: "db", definition: "d2", endpoints: [Self.entry("c", "up")]),
        ], delivered: [], pending: [])
        let changes = AdminAPI.Verdicts(node: "iad", revision: "r1", generation: 1, instance: "i", sequence: 3, partial: true, monitors: [
            .init(name: "web", definition: "d1", endpoints: [Self.entry("b", "down")]),
        ], delivered: ["e1"], pending: [])
        let merged = held.merging(changes)
        #expect(merged.sequence == 3 && !merged.partial && merged.delivered == ["e1"])
        #expect(merged.monitors.map(\.name) == ["db", "web"])
        #expect(merged.monitors[1].endpoints.map { "\($0.endpoint) \($0.state)" } == ["a up", "b down"])
        #expect(merged.monitors[0].endpoints.map(\.endpoint) == ["c"])
        var whole = changes
        whole.partial = false
        #expect(held.merging(whole).monitors.count == 1)
    }
}
