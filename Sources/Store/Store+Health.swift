import Foundation
import GRDB
import Model

extension Store {
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

    /// Each change's new verdict (and the probe result behind it) as the last known health.
    static func upsert(_ changes: [HealthChange], in db: Database) throws {
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

public struct StoredHealth: Sendable {
    public let endpoint: EndpointKey
    public let state: HealthState
    public let since: Date
    public let lastResult: String?
}
