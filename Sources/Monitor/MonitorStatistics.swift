/// How well the monitor keeps its schedule: probes started and skipped, and the lag between when each
/// probe was due and when it started, over the most recent probes.
public struct MonitorStatistics: Sendable {
    /// How many lags are kept for the percentiles.
    static let window = 65_536

    public var targets = 0
    public var probesStarted = 0
    /// Probes due while the previous probe of the same target was still running.
    public var probesSkipped = 0
    private var lags: [Duration] = []
    private var next = 0

    mutating func record(lags new: [Duration], skipped: Int) {
        probesStarted += new.count
        probesSkipped += skipped
        for lag in new {
            if lags.count < Self.window {
                lags.append(lag)
            } else {
                lags[next] = lag
                next = (next + 1) % Self.window
            }
        }
    }

    /// The lag at `fraction` (0.5 = median, 0.99 = p99) of the recent probes; zero before any.
    public func lag(percentile fraction: Double) -> Duration {
        guard !lags.isEmpty else { return .zero }
        let sorted = lags.sorted()
        let rank = Int((Double(sorted.count) * fraction).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    public var maximumLag: Duration { lags.max() ?? .zero }
}
