import Foundation
import GRDB
import Model

extension Store {
    /// Records, in one transaction: health changes as the last known health; the zone versions they led
    /// to; events, each with an outbox row per notifier channel that should deliver it (an event is never
    /// recorded without its deliveries, nor delivered without a record); and the end of the hold on
    /// `summarized` events, which a summary among `events` now covers. Recording an event id twice keeps
    /// the first.
    public func record(health: [HealthChange] = [], events: [StoredEvent.New] = [], summarized: [String] = [],
                       zones: [ZoneVersionRecord] = [], at time: Date = Date()) async throws {
        guard !health.isEmpty || !events.isEmpty || !summarized.isEmpty || !zones.isEmpty else { return }
        try await database.write { db in
            try Self.upsert(health, in: db)
            try Self.record(zones, time: time, in: db)
            for event in events {
                try db.execute(sql: "INSERT OR IGNORE INTO event (id, time, kind, subject, body, held) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [event.id, event.time.timeIntervalSince1970, event.kind, event.subject, event.body, event.held])
                for target in event.deliveries {
                    try db.execute(sql: "INSERT OR IGNORE INTO outbox (eventId, notifier, channel, nextAttemptAt) VALUES (?, ?, ?, ?)",
                                   arguments: [event.id, target.notifier, target.channel, event.time.timeIntervalSince1970])
                }
            }
            for id in summarized {
                try db.execute(sql: "UPDATE event SET held = 0 WHERE id = ?", arguments: [id])
            }
        }
    }

    /// Events after `sequence`, oldest first, at most `limit`: paging forward.
    public func events(after sequence: Int, limit: Int) async throws -> [StoredEvent] {
        try await database.read { db in
            try Self.withDeliveries(Row.fetchAll(db, sql: "SELECT * FROM event WHERE sequence > ? ORDER BY sequence LIMIT ?",
                                                 arguments: [sequence, limit]), in: db)
        }
    }

    /// The newest `limit` events, oldest first.
    public func latestEvents(limit: Int) async throws -> [StoredEvent] {
        try await database.read { db in
            try Self.withDeliveries(Row.fetchAll(db, sql: "SELECT * FROM (SELECT * FROM event ORDER BY sequence DESC LIMIT ?) ORDER BY sequence",
                                                 arguments: [limit]), in: db)
        }
    }

    private static func withDeliveries(_ rows: [Row], in db: Database) throws -> [StoredEvent] {
        let ids = rows.map { $0["id"] as String }
        var deliveries: [String: [StoredEvent.Delivery]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT eventId, notifier, channel, state, attempts, lastError, deliveredBy FROM outbox
            WHERE eventId IN (SELECT value FROM json_each(?)) ORDER BY notifier, channel
            """, arguments: [String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)]) {
            deliveries[row["eventId"], default: []].append(StoredEvent.Delivery(
                notifier: row["notifier"], channel: row["channel"], state: row["state"], attempts: row["attempts"], lastError: row["lastError"],
                deliveredBy: row["deliveredBy"]))
        }
        return rows.map { row in
            StoredEvent(sequence: row["sequence"], id: row["id"], time: Date(timeIntervalSince1970: row["time"]), kind: row["kind"],
                        subject: row["subject"], body: row["body"], held: row["held"], deliveries: deliveries[row["id"]] ?? [])
        }
    }

    /// What the flap guard needs after a restart: every event of `kinds` since `time`, and every event
    /// still held for a summary whenever it happened, oldest first.
    public func flapHistory(since time: Date, kinds: [String]) throws -> [FlapRecord] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, subject, kind, time, held FROM event
                WHERE (time >= ? AND kind IN (SELECT value FROM json_each(?))) OR held = 1 ORDER BY sequence
                """, arguments: [time.timeIntervalSince1970, String(decoding: try JSONEncoder().encode(kinds), as: UTF8.self)]).map { row in
                FlapRecord(id: row["id"], subject: row["subject"], kind: row["kind"], time: Date(timeIntervalSince1970: row["time"]),
                           held: row["held"])
            }
        }
    }

    /// Forgets events older than `time` once nothing waits on them (no held summary, no pending
    /// delivery), with their delivered or failed outbox rows. Returns how many events went.
    @discardableResult
    public func prune(before time: Date) async throws -> Int {
        try await database.write { db in
            let cutoff = time.timeIntervalSince1970
            let old = "SELECT id FROM event WHERE time < ? AND held = 0 AND id NOT IN (SELECT eventId FROM outbox WHERE state = 'pending')"
            try db.execute(sql: "DELETE FROM outbox WHERE eventId IN (\(old))", arguments: [cutoff])
            try db.execute(sql: "DELETE FROM event WHERE id IN (\(old))", arguments: [cutoff])
            return db.changesCount
        }
    }
}

/// An event as recorded: its JSON body is the caller's (the notifier's format), with its deliveries.
public struct StoredEvent: Sendable {
    public struct New: Sendable, Hashable {
        public var id: String
        public var time: Date
        public var kind: String
        /// What the event is about: `Kind/name` of a policy, or `manifests`.
        public var subject: String
        public var body: Data
        /// The notifier channels that should deliver it.
        public var deliveries: [DeliveryTarget]
        /// Held back (no deliveries) until a summary covers it.
        public var held: Bool

        public init(id: String, time: Date, kind: String, subject: String, body: Data, deliveries: [DeliveryTarget], held: Bool = false) {
            self.id = id
            self.time = time
            self.kind = kind
            self.subject = subject
            self.body = body
            self.deliveries = deliveries
            self.held = held
        }
    }

    public struct Delivery: Sendable {
        public let notifier: String
        public let channel: String
        public let state: String
        public let attempts: Int
        public let lastError: String?
        /// The fleet node that delivered it instead of this one.
        public let deliveredBy: String?
    }

    public let sequence: Int
    public let id: String
    public let time: Date
    public let kind: String
    public let subject: String
    public let body: Data
    public let held: Bool
    public let deliveries: [Delivery]
}

/// One notifier channel: `email` or `webhook` of a named notifier.
public struct DeliveryTarget: Hashable, Sendable {
    public var notifier: String
    public var channel: String

    public init(notifier: String, channel: String) {
        self.notifier = notifier
        self.channel = channel
    }
}

/// An event as the flap guard remembers it.
public struct FlapRecord: Sendable, Equatable {
    public let id: String
    public let subject: String
    public let kind: String
    public let time: Date
    public let held: Bool
}
