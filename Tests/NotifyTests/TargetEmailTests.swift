import Model
import Notify
import Testing

/// What someone on call reads about a target: the push with what the target answers after it, a
/// failure with what it holds, drift with what was found.
@Suite("Target event emails")
struct TargetEmailTests {
    static func event(_ kind: String, before: String?, after: String?, error: String? = nil, detail: [String]) -> EventBody {
        EventBody(id: "e1", kind: kind, time: "2026-11-29T23:00:00Z", generation: 4, revision: nil, policy: "FailoverPolicy/app",
                  zone: "corp.example", owner: "app.corp.example.", type: "A", before: before, after: after, error: error, detail: detail)
    }

    @Test func pushed() {
        let event = Self.event("targetPushed", before: "192.0.2.10", after: "192.0.2.11",
                               detail: ["Target/corp at 192.0.2.53:53 took the update", "the target answers now: 192.0.2.11"])
        #expect(EmailMessage.subject(event) == "[switchyard] PUSHED app.corp.example A to the target: 192.0.2.10 → 192.0.2.11")
        let text = EmailMessage.text(event)
        for line in ["Policy:  FailoverPolicy/app", "Held:    192.0.2.10", "Pushed:  192.0.2.11", "the target answers now: 192.0.2.11"] {
            #expect(text.contains(line), "\(line) in \(text)")
        }
    }

    @Test func failedAndDrift() {
        let failed = Self.event("targetFailed", before: nil, after: "192.0.2.11", error: "the target refused the UPDATE: NOTAUTH (TSIG BADSIG)",
                                detail: ["Target/corp at 192.0.2.53:53", "the target holds: 192.0.2.10"])
        #expect(EmailMessage.subject(failed) == "[switchyard] TARGET FAILED app.corp.example A: the target refused the UPDATE: NOTAUTH (TSIG BADSIG)")
        #expect(EmailMessage.text(failed).contains("To push: 192.0.2.11"))
        #expect(EmailMessage.text(failed).contains("the target holds: 192.0.2.10"))
        let drift = Self.event("drift", before: "192.0.2.11", after: "192.0.2.77", detail: ["the policy serves: 192.0.2.11"])
        #expect(EmailMessage.subject(drift) == "[switchyard] DRIFT at the target app.corp.example A: found 192.0.2.77 where 192.0.2.11 was written; put back")
        #expect(EmailMessage.text(drift).contains("Found:   192.0.2.77"))
    }
}
