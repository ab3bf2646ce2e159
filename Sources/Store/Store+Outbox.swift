import Foundation
import GRDB
import Model

extension Store {
    /// Deliveries due at `now` (pending, next attempt reached), oldest first, with their event; none of
    /// `excluding` (those already being attempted, or whose last attempt is not recorded yet) and none
    /// for `skipping` (receivers that take no more now), so one receiver's backlog hides no other's.
    public func dueDeliveries(at now: Date, limit: Int = 100, excluding: Set<Int64> = [],
                              skipping: Set<DeliveryTarget> = []) async throws -> [PendingDelivery] {
        let (busy, full) = (try Self.jsonList(excluding), try Self.jsonList(skipping))
        return try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT outbox.id, outbox.eventId, outbox.notifier, outbox.channel, outbox.attempts, event.kind, event.time, event.body
                FROM outbox JOIN event ON event.id = outbox.eventId
                WHERE outbox.state = 'pending' AND outbox.nextAttemptAt <= ?
                  AND outbox.id NOT IN (SELECT value FROM json_each(?))
                  AND outbox.notifier || '/' || outbox.channel NOT IN (SELECT value FROM json_each(?))
                ORDER BY outbox.nextAttemptAt, outbox.id LIMIT ?
                """, arguments: [now.timeIntervalSince1970, busy, full, limit]).map { row in
                PendingDelivery(id: row["id"], eventId: row["eventId"], target: DeliveryTarget(notifier: row["notifier"], channel: row["channel"]),
                                attempts: row["attempts"], kind: row["kind"], eventTime: Date(timeIntervalSince1970: row["time"]),
                                body: row["body"])
            }
        }
    }

    /// When the next pending delivery not in `excluding` and not for `skipping` is due, if any.
    public func nextDeliveryTime(excluding: Set<Int64> = [], skipping: Set<DeliveryTarget> = []) async throws -> Date? {
        let (busy, full) = (try Self.jsonList(excluding), try Self.jsonList(skipping))
        return try await database.read { db in
            try Double.fetchOne(db, sql: """
                SELECT MIN(nextAttemptAt) FROM outbox WHERE state = 'pending' AND id NOT IN (SELECT value FROM json_each(?))
                  AND notifier || '/' || channel NOT IN (SELECT value FROM json_each(?))
                """, arguments: [busy, full]).map { Date(timeIntervalSince1970: $0) }
        }
    }

    /// A JSON array for `json_each`: ids as numbers, receivers as `notifier/channel`.
    private static func jsonList(_ ids: Set<Int64>) throws -> String {
        String(decoding: try JSONEncoder().encode(Array(ids)), as: UTF8.self)
    }

    private static func jsonList(_ targets: Set<DeliveryTarget>) throws -> String {
        String(decoding: try JSONEncoder().encode(targets.map { "\($0.notifier)/\($0.channel)" }), as: UTF8.self)
    }

    /// Records the outcome of one attempt: delivered, retry at `next`, or failed for good (`next` nil).
    public func recordAttempt(_ id: Int64, delivered: Bool, error: String?, next: Date?) async throws {
        try await database.write { db in
            let state = delivered ? "delivered" : next == nil ? "failed" : "pending"
            try db.execute(sql: "UPDATE outbox SET state = ?, attempts = attempts + 1, lastError = ?, nextAttemptAt = COALESCE(?, nextAttemptAt) WHERE id = ?",
                           arguments: [state, error, next?.timeIntervalSince1970, id])
        }
    }

    /// A delivery that waits (a fleet peer should send it): due again at `until`, no attempt counted.
    public func postpone(_ id: Int64, until: Date) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE outbox SET nextAttemptAt = ? WHERE id = ? AND state = 'pending'",
                           arguments: [until.timeIntervalSince1970, id])
        }
    }

    /// A delivery another fleet node made: done here, with who did it.
    public func recordDelivered(_ id: Int64, by node: String) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE outbox SET state = 'delivered', deliveredBy = ? WHERE id = ? AND state = 'pending'",
                           arguments: [node, id])
        }
    }

    /// Events of `kinds` since `since`, newest first, at most `limit` of each: those this node delivered
    /// itself and has nothing pending for (its fleet peers need not send them), and those it still has
    /// deliveries pending for (it knows them; peers wait for it while it is fresh).
    public func fleetEvents(kinds: [String], since: Date, limit: Int = 1000) async throws -> (delivered: [String], pending: [String]) {
        let list = String(decoding: try JSONEncoder().encode(kinds), as: UTF8.self)
        return try await database.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT outbox.eventId AS id, SUM(outbox.state = 'pending') AS pending,
                       SUM(outbox.state = 'delivered' AND outbox.deliveredBy IS NULL) AS delivered
                FROM outbox JOIN event ON event.id = outbox.eventId
                WHERE event.time >= ? AND event.kind IN (SELECT value FROM json_each(?))
                GROUP BY outbox.eventId ORDER BY MAX(event.time) DESC LIMIT ?
                """, arguments: [since.timeIntervalSince1970, list, limit * 2])
            let delivered = rows.filter { ($0["pending"] as Int) == 0 && ($0["delivered"] as Int) > 0 }.prefix(limit).map { $0["id"] as String }
            let pending = rows.filter { ($0["pending"] as Int) > 0 }.prefix(limit).map { $0["id"] as String }
            return (Array(delivered), Array(pending))
        }
    }

    /// How many outbox rows are in each state (`pending`, `delivered`, `failed`).
    public func outboxCounts() async throws -> [String: Int] {
        try await database.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM outbox GROUP BY state") { counts[row["state"]] = row["n"] }
            return counts
        }
    }
}

/// One delivery to attempt: an outbox row with its event.
public struct PendingDelivery: Sendable {
    public let id: Int64
    public let eventId: String
    public let target: DeliveryTarget
    public let attempts: Int
    public let kind: String
    public let eventTime: Date
    public let body: Data
}
