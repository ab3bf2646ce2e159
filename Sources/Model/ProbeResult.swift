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

    public var description: String { "\(isSuccess ? "ok" : "failed"): \(detail) (\(Self.format(latency)))" }

    /// `0.4 ms`, `12.3 ms`, `2.00 s`: enough digits for a person reading a log.
    public static func format(_ duration: Duration) -> String {
        let microseconds = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        if microseconds < 1_000_000 {
            return "\(microseconds / 1000).\(microseconds % 1000 / 100) ms"
        }
        let hundredths = microseconds / 10_000
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) s"
    }
}
