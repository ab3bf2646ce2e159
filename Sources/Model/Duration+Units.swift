/// `Duration` in the units the rest of the code hands to C APIs, JSON and people.
extension Duration {
    /// Whole nanoseconds (truncated).
    public var nanosecondCount: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }

    /// Whole milliseconds (truncated), as libcurl's `*_MS` options take them.
    public var millisecondCount: Int64 { nanosecondCount / 1_000_000 }

    /// Seconds as a floating-point number.
    public var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// `0.4 ms`, `12.3 ms`, `2.00 s`: enough digits for a person reading a log or a plan.
    public var readable: String {
        let microseconds = nanosecondCount / 1000
        if microseconds < 1_000_000 {
            return "\(microseconds / 1000).\(microseconds % 1000 / 100) ms"
        }
        let hundredths = microseconds / 10_000
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) s"
    }
}
