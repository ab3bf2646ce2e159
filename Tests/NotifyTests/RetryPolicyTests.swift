import Foundation
import Testing
@testable import Notify

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test func backoffDoublesWithJitterUpToTheCapThenGivesUp() {
        let policy = RetryPolicy(firstDelay: .seconds(1), maximumDelay: .seconds(300), giveUpAfter: .seconds(24 * 3600))
        let event = Date(timeIntervalSince1970: 1_800_000_000)
        var random = SystemRandomNumberGenerator()
        for attempts in 0..<12 {
            let base = min(pow(2, Double(attempts)), 300)
            let now = event.addingTimeInterval(60)
            let next = policy.nextAttempt(after: attempts, eventTime: event, now: now, random: &random)
            let delay = next.map { $0.timeIntervalSince(now) } ?? -1
            #expect(delay >= base * 0.8 - 1e-6 && delay <= base * 1.2 + 1e-6, "attempt \(attempts): \(delay) s for a base of \(base) s")
        }
        // An event older than a day is not retried again: the delivery fails for good.
        let late = event.addingTimeInterval(24 * 3600 - 10)
        #expect(policy.nextAttempt(after: 50, eventTime: event, now: late, random: &random) == nil)
    }

    @Test func webhookSignatureIsHMACOfTimestampDotBody() {
        // Python's hmac.new(b"Jefe", b"0.what do ya want for nothing?", hashlib.sha256).hexdigest(): what a receiver computes.
        let signature = WebhookRequest.signature(body: Data("what do ya want for nothing?".utf8), timestamp: 0, secret: "Jefe")
        #expect(signature == "37f471929915ccd2cbbe79feb84ffcff4f2bb25e15fc41c2506687331ae179cc")
        let headers = WebhookRequest.headers(kind: "failover", deliveryID: "id-1", body: Data("{}".utf8), timestamp: 1_800_000_000,
                                             secret: "s", custom: [.init(name: "X-Team", value: "sre")])
        #expect(headers.map(\.name) == ["Content-Type", "User-Agent", "X-Switchyard-Event", "X-Switchyard-Delivery",
                                        "X-Switchyard-Timestamp", "X-Switchyard-Signature", "X-Team"])
        #expect(headers.first { $0.name == "X-Switchyard-Signature" }?.value
                == "sha256=" + WebhookRequest.signature(body: Data("{}".utf8), timestamp: 1_800_000_000, secret: "s"))
    }
}
