import Foundation
import Testing
@testable import Controller

@Suite("Flap guard")
struct FlapGuardTests {
    @Test func twentyFlipsInAMinuteGiveTheLimitAndOneSummary() {
        var guardian = FlapGuard(limit: 5, window: 600)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var delivered = 0
        for flip in 0..<20 {
            let kind = flip % 2 == 0 ? "failover" : "failback"
            if guardian.admit(policy: "FailoverPolicy/www", kind: kind, at: start.addingTimeInterval(Double(flip) * 3)) { delivered += 1 }
        }
        #expect(delivered == 5)
        let r1 = guardian.dueSummaries(at: start.addingTimeInterval(300))
        #expect(r1.isEmpty, "not before the window has passed")
        let due = guardian.dueSummaries(at: start.addingTimeInterval(15 + 600))
        #expect(due.count == 1 && due[0].policy == "FailoverPolicy/www")
        #expect(due[0].held.events.count == 15 && due[0].held.first == start.addingTimeInterval(15))
        let r2 = guardian.dueSummaries(at: start.addingTimeInterval(2000))
        #expect(r2.isEmpty, "one summary only")
        // After the summary the policy starts afresh.
        let r3 = guardian.admit(policy: "FailoverPolicy/www", kind: "failover", at: start.addingTimeInterval(2000))
        #expect(r3)
    }

    @Test func policiesAreCountedApartAndQuietOnesAreUntouched() {
        var guardian = FlapGuard(limit: 2, window: 60)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let r4 = guardian.admit(policy: "a", kind: "failover", at: start)
        #expect(r4)
        let r5 = guardian.admit(policy: "a", kind: "failback", at: start.addingTimeInterval(1))
        #expect(r5)
        let r6 = guardian.admit(policy: "a", kind: "failover", at: start.addingTimeInterval(2))
        #expect(!r6)
        let r7 = guardian.admit(policy: "b", kind: "failover", at: start.addingTimeInterval(2))
        #expect(r7)
        // Events spread wider than the window never trip it.
        let r8 = guardian.admit(policy: "c", kind: "failover", at: start)
        #expect(r8)
        let r9 = guardian.admit(policy: "c", kind: "failback", at: start.addingTimeInterval(61))
        #expect(r9)
        let r10 = guardian.admit(policy: "c", kind: "failover", at: start.addingTimeInterval(122))
        #expect(r10)
    }
}
