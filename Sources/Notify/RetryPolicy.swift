import Foundation
import Model

/// When to try a failed delivery again: exponential backoff with jitter, until the event is `giveUpAfter`
/// old; then the delivery is failed for good.
public struct RetryPolicy: Sendable {
    public var firstDelay: Duration
    public var maximumDelay: Duration
    public var giveUpAfter: Duration

    public init(firstDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(300), giveUpAfter: Duration = .seconds(24 * 3600)) {
        self.firstDelay = firstDelay
        self.maximumDelay = maximumDelay
        self.giveUpAfter = giveUpAfter
    }

    /// The next attempt after `attempts` failed ones, or nil once the event is too old. The delay doubles
    /// each time up to `maximumDelay`, then is drawn from 80–120% of that, so many deliveries failing
    /// together do not come back together.
    public func nextAttempt(after attempts: Int, eventTime: Date, now: Date,
                            random: inout some RandomNumberGenerator) -> Date? {
        let base = min(firstDelay.secondsValue * pow(2, Double(min(attempts, 30))), maximumDelay.secondsValue)
        let next = now.addingTimeInterval(base * Double.random(in: 0.8...1.2, using: &random))
        return next.timeIntervalSince(eventTime) <= giveUpAfter.secondsValue ? next : nil
    }
}
