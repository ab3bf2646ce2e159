import Foundation

/// Keeps a flapping policy from flooding the notifiers: while more than `limit` events of one policy fall
/// within `window`, the events are recorded but held back, and one summary goes out per `window` in
/// their place. A policy that keeps flapping gets `limit` messages, then a summary per window.
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
        if times.count <= limit { return true }
        held[policy, default: Held(first: time, events: [])].events.append((time, kind))
        return false
    }

    /// The policies whose summary is due at `now`, with what was held. Their recent events still count,
    /// so a policy still flapping goes on being summarized rather than sent event by event.
    mutating func dueSummaries(at now: Date) -> [(policy: String, held: Held)] {
        let due = held.filter { now.timeIntervalSince($0.value.first) >= window }.sorted { $0.key < $1.key }
        for (policy, _) in due { held[policy] = nil }
        return due.map { ($0.key, $0.value) }
    }
}
