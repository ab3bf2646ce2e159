/// How long to wait before trying again after failures in a row: `first`, then twice as long each
/// time, never more than `maximum` (controller-runtime's requeue).
struct Backoff: Sendable, Equatable {
    var first: Duration
    var maximum: Duration

    static let standard = Backoff(first: .seconds(1), maximum: .seconds(300))

    /// The wait after the `failures`-th failure in a row (1 for the first).
    func delay(afterFailures failures: Int) -> Duration {
        var delay = first
        for _ in 1..<max(1, failures) {
            delay = delay * 2
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }
}
