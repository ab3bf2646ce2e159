import Foundation
import GRDB
import Model

/// The controller's state in SQLite (WAL) under `--data-dir`: every applied config with its generation,
/// last known health per endpoint, failover events, and the notifier's outbox. Every write is one
/// transaction, so a crash at any point (kill -9 included) leaves the old state or the new, never a mix.
public final class Store: Sendable {
    /// How many applied configs are kept.
    public static let keptGenerations = 100

    private let database: DatabasePool

    /// Opens (or creates) `state.sqlite` in `directory`, migrating its schema.
    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        database = try DatabasePool(path: (directory as NSString).appendingPathComponent("state.sqlite"), configuration: configuration)
        try Self.migrator.migrate(database)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "generation") { t in
                t.primaryKey("generation", .integer)
                t.column("revision", .text)
                t.column("appliedAt", .double).notNull()
                t.column("checksum", .text).notNull()
                t.column("summary", .text).notNull()
                t.column("sources", .blob).notNull()
            }
            try db.create(table: "health") { t in
                t.column("monitor", .text).notNull()
                t.column("endpoint", .text).notNull()
                t.column("state", .text).notNull()
                t.column("since", .double).notNull()
                t.column("lastResult", .text)
                t.primaryKey(["monitor", "endpoint"])
            }
            try db.create(table: "event") { t in
                t.primaryKey("sequence", .integer)
                t.column("id", .text).notNull().unique()
                t.column("time", .double).notNull()
                t.column("kind", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("body", .blob).notNull()
            }
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("eventId", .text).notNull().references("event", column: "id")
                t.column("notifier", .text).notNull()
                t.column("channel", .text).notNull()
                t.column("state", .text).notNull().defaults(to: "pending")
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("nextAttemptAt", .double).notNull()
                t.column("lastError", .text)
                t.uniqueKey(["eventId", "notifier", "channel"])
            }
        }
        return migrator
    }

    // MARK: Applied configs

    /// The newest applied config, or nil before the first apply.
    public func latest() throws -> AppliedConfig? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM generation ORDER BY generation DESC LIMIT 1").map(AppliedConfig.init)
        }
    }

    /// The newest `limit` applied configs, newest first, without their sources.
    public func history(limit: Int = keptGenerations) throws -> [AppliedConfig] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT generation, revision, appliedAt, checksum, summary, x'5b5d' AS sources FROM generation ORDER BY generation DESC LIMIT ?",
                             arguments: [limit]).map(AppliedConfig.init)
        }
    }

    public struct StaleGeneration: Error, CustomStringConvertible {
        public let expected: Int
        public let current: Int
        public var description: String { "the plan was made against generation \(expected), but generation \(current) is live now" }
    }

    /// Records `sources` as the next generation, if the newest is still `expectedGeneration`; one
    /// transaction. Returns the new generation.
    public func apply(sources: [SourceFile], revision: String?, checksum: String, summary: String, expectedGeneration: Int,
                      at time: Date = Date()) throws -> Int {
        let blob = try JSONEncoder().encode(sources)
        return try database.write { db in
            let current = try Int.fetchOne(db, sql: "SELECT MAX(generation) FROM generation") ?? 0
            guard current == expectedGeneration else { throw StaleGeneration(expected: expectedGeneration, current: current) }
            try db.execute(sql: "INSERT INTO generation (generation, revision, appliedAt, checksum, summary, sources) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [current + 1, revision, time.timeIntervalSince1970, checksum, summary, blob])
            try db.execute(sql: "DELETE FROM generation WHERE generation <= ?", arguments: [current + 1 - Self.keptGenerations])
            return current + 1
        }
    }

    // MARK: Health

    /// Records each change's new verdict (and the probe result behind it) as the last known health.
    public func record(_ changes: [HealthChange]) throws {
        guard !changes.isEmpty else { return }
        try database.write { db in
            for change in changes {
                try db.execute(sql: """
                    INSERT INTO health (monitor, endpoint, state, since, lastResult) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (monitor, endpoint) DO UPDATE SET state = excluded.state, since = excluded.since,
                    lastResult = excluded.lastResult
                    """, arguments: [change.endpoint.monitor, change.endpoint.value.description, change.to.rawValue,
                                     Double(change.time.millisecondsSince1970) / 1000, change.causes.last?.description])
            }
        }
    }

    /// The last known verdict of every endpoint, to serve with before the first probes after a restart.
    public func health() throws -> [StoredHealth] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM health ORDER BY monitor, endpoint").compactMap { row in
                guard let value = EndpointValue(text: row["endpoint"]), let state = HealthState(rawValue: row["state"]) else { return nil }
                return StoredHealth(endpoint: EndpointKey(monitor: row["monitor"], value: value), state: state,
                                    since: Date(timeIntervalSince1970: row["since"]), lastResult: row["lastResult"])
            }
        }
    }

    // MARK: Events

    /// Records events, each with an outbox row per notifier channel that should deliver it, in one
    /// transaction: an event is never recorded without its deliveries, nor delivered without a record.
    public func record(_ events: [StoredEvent.New]) throws {
        guard !events.isEmpty else { return }
        try database.write { db in
            for event in events {
                try db.execute(sql: "INSERT OR IGNORE INTO event (id, time, kind, subject, body) VALUES (?, ?, ?, ?, ?)",
                               arguments: [event.id, event.time.timeIntervalSince1970, event.kind, event.subject, event.body])
                for (notifier, channel) in event.deliveries {
                    try db.execute(sql: "INSERT OR IGNORE INTO outbox (eventId, notifier, channel, nextAttemptAt) VALUES (?, ?, ?, ?)",
                                   arguments: [event.id, notifier, channel, event.time.timeIntervalSince1970])
                }
            }
        }
    }

    /// Events after `sequence` (0: from the first kept), oldest first, at most `limit`.
    public func events(after sequence: Int = 0, limit: Int = 1000) throws -> [StoredEvent] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM event WHERE sequence > ? ORDER BY sequence LIMIT ?", arguments: [sequence, limit]).map { row in
                let deliveries = try Row.fetchAll(db, sql: "SELECT notifier, channel, state, attempts, lastError FROM outbox WHERE eventId = ? ORDER BY notifier, channel",
                                                  arguments: [row["id"] as String]).map {
                    StoredEvent.Delivery(notifier: $0["notifier"], channel: $0["channel"], state: $0["state"], attempts: $0["attempts"],
                                         lastError: $0["lastError"])
                }
                return StoredEvent(sequence: row["sequence"], id: row["id"], time: Date(timeIntervalSince1970: row["time"]),
                                   kind: row["kind"], subject: row["subject"], body: row["body"], deliveries: deliveries)
            }
        }
    }
}

extension Store {
    /// Deliveries due at `now` (pending, next attempt reached), oldest first, with their event; none of
    /// `excluding` (those already being attempted), so a dead receiver's backlog cannot crowd out the rest.
    public func dueDeliveries(at now: Date, limit: Int = 100, excluding: Set<Int64> = []) throws -> [PendingDelivery] {
        let busy = "[" + excluding.map(String.init).joined(separator: ",") + "]"
        return try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT outbox.id, outbox.eventId, outbox.notifier, outbox.channel, outbox.attempts, event.kind, event.time, event.body
                FROM outbox JOIN event ON event.id = outbox.eventId
                WHERE outbox.state = 'pending' AND outbox.nextAttemptAt <= ?
                  AND outbox.id NOT IN (SELECT value FROM json_each(?))
                ORDER BY outbox.nextAttemptAt, outbox.id LIMIT ?
                """, arguments: [now.timeIntervalSince1970, busy, limit]).map { row in
                PendingDelivery(id: row["id"], eventId: row["eventId"], notifier: row["notifier"], channel: row["channel"],
                                attempts: row["attempts"], kind: row["kind"], eventTime: Date(timeIntervalSince1970: row["time"]),
                                body: row["body"])
            }
        }
    }

    /// When the next pending delivery is due, if any.
    public func nextDeliveryTime() throws -> Date? {
        try database.read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(nextAttemptAt) FROM outbox WHERE state = 'pending'").map { Date(timeIntervalSince1970: $0) }
        }
    }

    /// Records the outcome of one attempt: delivered, retry at `next`, or failed for good (`next` nil).
    public func recordAttempt(_ id: Int64, delivered: Bool, error: String?, next: Date?) throws {
        try database.write { db in
            let state = delivered ? "delivered" : next == nil ? "failed" : "pending"
            try db.execute(sql: "UPDATE outbox SET state = ?, attempts = attempts + 1, lastError = ?, nextAttemptAt = COALESCE(?, nextAttemptAt) WHERE id = ?",
                           arguments: [state, error, next?.timeIntervalSince1970, id])
        }
    }
}

/// One delivery to attempt: an outbox row with its event.
public struct PendingDelivery: Sendable {
    public let id: Int64
    public let eventId: String
    public let notifier: String
    /// `email` or `webhook`.
    public let channel: String
    public let attempts: Int
    public let kind: String
    public let eventTime: Date
    public let body: Data
}

/// One manifest file of an applied config, as written.
public struct SourceFile: Codable, Hashable, Sendable {
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}

/// An applied config: the manifests that were applied, which generation they became, when, from which
/// revision, and the plan's checksum and summary.
public struct AppliedConfig: Sendable {
    public let generation: Int
    public let revision: String?
    public let appliedAt: Date
    public let checksum: String
    public let summary: String
    public let sources: [SourceFile]

    init(row: Row) throws {
        generation = row["generation"]
        revision = row["revision"]
        appliedAt = Date(timeIntervalSince1970: row["appliedAt"])
        checksum = row["checksum"]
        summary = row["summary"]
        sources = try JSONDecoder().decode([SourceFile].self, from: row["sources"] as Data)
    }
}

public struct StoredHealth: Sendable {
    public let endpoint: EndpointKey
    public let state: HealthState
    public let since: Date
    public let lastResult: String?
}

/// An event as recorded: its JSON body is the caller's (the notifier's format), with its deliveries.
public struct StoredEvent: Sendable {
    public struct New: Sendable {
        public var id: String
        public var time: Date
        public var kind: String
        public var subject: String
        public var body: Data
        /// (notifier, channel) pairs that should deliver it.
        public var deliveries: [(String, String)]

        public init(id: String, time: Date, kind: String, subject: String, body: Data, deliveries: [(String, String)]) {
            self.id = id
            self.time = time
            self.kind = kind
            self.subject = subject
            self.body = body
            self.deliveries = deliveries
        }
    }

    public struct Delivery: Sendable {
        public let notifier: String
        public let channel: String
        public let state: String
        public let attempts: Int
        public let lastError: String?
    }

    public let sequence: Int
    public let id: String
    public let time: Date
    public let kind: String
    public let subject: String
    public let body: Data
    public let deliveries: [Delivery]
}
