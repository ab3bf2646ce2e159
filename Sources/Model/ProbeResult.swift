/// One probe's raw outcome, as the monitor reports it: no verdict, just what happened.
public struct ProbeResult: Hashable, Sendable, CustomStringConvertible {
    public var isSuccess: Bool
    /// What was seen: `HTTP 200`, `connected`, `timeout after 2s`, `connection refused`…
    public var detail: String
    public var latency: Duration

    public init(isSuccess: Bool, detail: String, latency: Duration) {
        self.isSuccess = isSuccess
        self.detail = detail
        self.latency = latency
    }

    public var description: String { "\(isSuccess ? "ok" : "failed"): \(detail) (\(latency.readable))" }
}
