import Model

/// A fleet's verdict on one endpoint from the verdicts of every location that probes it: one pure
/// function, so every node that holds the same verdicts decides the same.
///
/// `L` is the number of locations that probe the monitor, `N = quorum.needed(of: L)`, `F` the verdicts
/// that count (fresh, from a node probing the same definition, up or down) and `D` those that say down.
///
/// | votes  | down votes | effective                           |
/// |--------|------------|-------------------------------------|
/// | F < N  | any        | the last effective state, **stale** |
/// | F ≥ N  | D ≥ N      | down                                |
/// | F ≥ N  | D < N      | up                                  |
///
/// So with `quorum: 2` of three locations, one location's outage changes nothing, two fail over, and a
/// node cut off from its peers (one vote) holds what it served. `quorum: any` goes down on one vote and
/// `quorum: all` needs every location fresh and down.
///
/// A change is dated by the verdicts, not by when this node saw them, so every node dates it alike:
/// down at the N-th earliest `since` among the down votes (when the quorum was reached), up at the
/// (F − N + 1)-th earliest among the up votes (when the down votes fell below N).
public enum EffectiveHealth {
    public struct Outcome: Hashable, Sendable {
        public var state: HealthState
        /// Too few fresh votes to decide: `state` is the last effective state, held.
        public var stale: Bool
        /// When the state was reached by the verdicts' own times; nil when held or undated.
        public var decidedAt: Timestamp?
    }

    public static func decide(quorum: Quorum, locations: Int, verdicts: [LocationVerdict], last: HealthState) -> Outcome {
        let needed = quorum.needed(of: locations)
        let votes = verdicts.filter(\.counts)
        guard votes.count >= needed else { return Outcome(state: last, stale: true, decidedAt: nil) }
        let down = votes.filter { $0.state == .down }
        if down.count >= needed {
            return Outcome(state: .down, stale: false, decidedAt: earliest(down, rank: needed))
        }
        let up = votes.filter { $0.state == .up }
        return Outcome(state: .up, stale: false, decidedAt: earliest(up, rank: votes.count - needed + 1))
    }

    /// The `rank`-th earliest `since` (1 = earliest), clamped to the verdicts there are.
    private static func earliest(_ verdicts: [LocationVerdict], rank: Int) -> Timestamp? {
        let times = verdicts.compactMap(\.since).sorted()
        guard !times.isEmpty else { return nil }
        return times[min(max(rank, 1), times.count) - 1]
    }
}
