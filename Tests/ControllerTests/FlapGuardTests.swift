import Model
import Testing
@testable import Controller

@Suite("Flap guard")
struct FlapGuardTests {
    static let start = Timestamp(millisecondsSince1970: 1_800_000_000_000)
    static let www = PolicyID(.failover, "www")

    static func at(_ seconds: Double) -> Timestamp { start.adding(.milliseconds(Int64(seconds * 1000))) }

    @Test func twentyFlipsInAMinuteGiveTheLimitAndOneSummary() {
        var guardian = FlapGuard(limit: 5, window: .seconds(600))
        var delivered = 0
        for flip in 0..<20 {
            let kind = flip % 2 == 0 ? "failover" : "failback"
            if guardian.admit(policy: Self.www, id: "e\(flip)", kind: kind, at: Self.at(Double(flip) * 3)) { delivered += 1 }
        }
        #expect(delivered == 5)
        let r1 = guardian.dueSummaries(at: Self.at(300))
        #expect(r1.isEmpty, "not before the window has passed")
        let due = guardian.dueSummaries(at: Self.at(15 + 600))
        #expect(due.count == 1 && due[0].policy == Self.www)
        #expect(due[0].held.events.count == 15 && due[0].held.first == Self.at(15))
        #expect(due[0].held.events.map(\.id) == (5..<20).map { "e\($0)" })
        let r2 = guardian.dueSummaries(at: Self.at(2000))
        #expect(r2.isEmpty, "one summary only")
        // After the summary the policy starts afresh.
        let r3 = guardian.admit(policy: Self.www, id: "e20", kind: "failover", at: Self.at(2000))
        #expect(r3)
    }

    @Test func policiesAreCountedApartAndQuietOnesAreUntouched() {
        var guardian = FlapGuard(limit: 2, window: .seconds(60))
        let (a, b, c) = (PolicyID(.failover, "a"), PolicyID(.failover, "b"), PolicyID(.weighted, "c"))
        let r4 = guardian.admit(policy: a, id: "1", kind: "failover", at: Self.start)
        #expect(r4)
        let r5 = guardian.admit(policy: a, id: "2", kind: "failback", at: Self.at(1))
        #expect(r5)
        let r6 = guardian.admit(policy: a, id: "3", kind: "failover", at: Self.at(2))
        #expect(!r6)
        let r7 = guardian.admit(policy: b, id: "4", kind: "failover", at: Self.at(2))
        #expect(r7)
        // Events spread wider than the window never trip it.
        let r8 = guardian.admit(policy: c, id: "5", kind: "failover", at: Self.start)
        #expect(r8)
        let r9 = guardian.admit(policy: c, id: "6", kind: "failback", at: Self.at(61))
        #expect(r9)
        let r10 = guardian.admit(policy: c, id: "7", kind: "failover", at: Self.at(122))
        #expect(r10)
    }

    @Test func restoredFromTheStoreItSummarizesWhatWasHeld() {
        // Before a restart: two delivered, two held. After: rebuilt from those records, the next event is
        // held too (the window still counts four), and the summary covers all three held.
        var guardian = FlapGuard(limit: 2, window: .seconds(60))
        guardian.restore([(Self.www, "1", "failover", Self.at(0), false), (Self.www, "2", "failback", Self.at(5), false),
                          (Self.www, "3", "failover", Self.at(10), true), (Self.www, "4", "failback", Self.at(15), true)],
                         now: Self.at(20))
        let admitted = guardian.admit(policy: Self.www, id: "5", kind: "failover", at: Self.at(25))
        #expect(!admitted)
        let early = guardian.dueSummaries(at: Self.at(69))
        #expect(early.isEmpty)
        let due = guardian.dueSummaries(at: Self.at(70))
        #expect(due.map(\.policy) == [Self.www] && due.first?.held.events.map(\.id) == ["3", "4", "5"])
        #expect(due.first?.held.first == Self.at(10))
    }
}
