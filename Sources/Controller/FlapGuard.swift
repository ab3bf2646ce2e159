import Foundation

/// Keeps a flapping policy from flooding the notifiers: of the events of one policy within `window`,
/// the first `limit` are delivered one by one; the rest are recorded but held back, and once `window`
/// has passed since the first held one, a single summary goes out in their place.
struct FlapGuard {
    let limit: Int
    let window: TimeInterval

    /// What was held back for one policy since its summary was last sent.
    struct Held: Equatable {
        var first: Date
        var events: [(time: Date, kind: String)]

        static func == (lhs: Held, rhs: Held) -> Bool {
            lhs.first == rhs.first && lhs.events.map(\.time) == rhs.events.map(\.time) && lhs.events.map(\.kind) == rhs.events.map(\.kind)
        }
    }

    private var recent: [String: [Date]] = [:]
    private var held: [String: Held] = [:]

    init(limit: Int = 5, window: TimeInterval = 600) {
        self.limit = limit
        self.window = window
    }

    /// Whether an event of `policy` at `time` is delivered on its own (else it is held for the summary).
    mutating func admit(policy: String, kind: String, at time: Date) -> Bool {
        var times = (recent[policy] ?? []).filter { time.timeIntervalSince($0) < window }
        times.append(time)
        recent[policy] = times
        if times.count <= limit && held[policy] == nil { return true }
        held[policy, default: Held(first: time, events: [])].events.append((time, kind))
        return false
    }

    /// The policies whose summary is due at `now`, with what was held; they start afresh.
    mutating func dueSummaries(at now: Date) -> [(policy: String, held: Held)] {
        let due = held.filter { now.timeIntervalSince($0.value.first) >= window }.sorted { $0.key < $1.key }
        for (policy, _) in due {
            held[policy] = nil
            recent[policy] = []
        }
        return due.map { ($0.key, $0.value) }
    }
}
