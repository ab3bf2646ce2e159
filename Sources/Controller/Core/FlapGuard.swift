import Model

/// Keeps a flapping policy from flooding the notifiers: while more than `limit` events of one policy fall
/// within `window`, the events are recorded but held back, and one summary goes out per `window` in
/// their place. A policy that keeps flapping gets `limit` messages, then a summary per window.
///
/// Its memory is the store's: held events are recorded as held, and `restore` rebuilds the guard from
/// them after a restart, so a summary due before a restart still goes out.
struct FlapGuard: Sendable, Equatable {
    let limit: Int
    let window: Duration

    /// An event held back for the summary.
    struct HeldEvent: Sendable, Equatable {
        var id: String
        var time: Timestamp
        var kind: String
    }

    /// What was held back for one policy since its summary was last sent.
    struct Held: Sendable, Equatable {
        var first: Timestamp
        var events: [HeldEvent]
    }

    private var recent: [PolicyID: [Timestamp]] = [:]
    private var held: [PolicyID: Held] = [:]

    init(limit: Int = 5, window: Duration = .seconds(600)) {
        self.limit = limit
        self.window = window
    }

    /// Whether the event `id` of `policy` at `time` is delivered on its own (else it is held for the summary).
    mutating func admit(policy: PolicyID, id: String, kind: String, at time: Timestamp) -> Bool {
        var times = (recent[policy] ?? []).filter { time.milliseconds(since: $0) < window.millisecondCount }
        times.append(time)
        recent[policy] = times
        if times.count <= limit { return true }
        held[policy, default: Held(first: time, events: [])].events.append(HeldEvent(id: id, time: time, kind: kind))
        return false
    }

    /// The policies whose summary is due at `now`, with what was held. Their recent events still count,
    /// so a policy still flapping goes on being summarized rather than sent event by event.
    mutating func dueSummaries(at now: Timestamp) -> [(policy: PolicyID, held: Held)] {
        let due = held.filter { now.milliseconds(since: $0.value.first) >= window.millisecondCount }.sorted { $0.key < $1.key }
        for (policy, _) in due { held[policy] = nil }
        return due.map { ($0.key, $0.value) }
    }

    /// Rebuilds the guard from the store: every policy event since one window before `now`, and every
    /// event still held, oldest first.
    mutating func restore(_ records: [(policy: PolicyID, id: String, kind: String, time: Timestamp, held: Bool)], now: Timestamp) {
        for record in records {
            if now.milliseconds(since: record.time) < window.millisecondCount { recent[record.policy, default: []].append(record.time) }
            if record.held {
                held[record.policy, default: Held(first: record.time, events: [])].events
                    .append(HeldEvent(id: record.id, time: record.time, kind: record.kind))
            }
        }
    }
}

extension Timestamp {
    /// Milliseconds from `earlier` to this time.
    func milliseconds(since earlier: Timestamp) -> Int64 { millisecondsSince1970 - earlier.millisecondsSince1970 }

    /// This time plus `duration`.
    func adding(_ duration: Duration) -> Timestamp {
        Timestamp(millisecondsSince1970: millisecondsSince1970 + duration.millisecondCount)
    }
}
