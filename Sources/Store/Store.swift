import Foundation
import GRDB
import Model

/// The controller's state in SQLite (WAL) under `--data-dir`: every applied config with its generation,
/// last known health per endpoint, events, and the notifier's outbox. Every write is one transaction, so
/// a crash at any point (kill -9 included) leaves the old state or the new, never a mix; and every
/// write is durable when it returns (`synchronous=FULL`: the WAL is synced on each commit), because an
/// apply that was answered, or an event that was taken, must survive a power cut.
///
/// Writes come in two forms: `async` ones, which run on GRDB's writer queue and never block a Swift
/// concurrency thread (what the controller's services use), and the synchronous reads used at start.
public final class Store: Sendable {
    /// How many applied configs are kept.
    public static let keptGenerations = 100

    let database: DatabasePool

    /// How each commit reaches the disk (SQLite's `synchronous`).
    public enum Durability: String, Sendable {
        /// The WAL is synced on every commit: what the controller runs with.
        case full = "FULL"
        /// Synced only at checkpoints: a commit may be lost on power failure (never corrupted). Only for
        /// measuring what `full` costs (`Benchmarks/store-durability.sh`).
        case normal = "NORMAL"
    }

    /// Opens (or creates) `state.sqlite` in `directory`, migrating its schema.
    public init(directory: String, durability: Durability = .full) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        database = try DatabasePool(path: (directory as NSString).appendingPathComponent("state.sqlite"), configuration: configuration)
        // Only the writer commits, and a pool opens it once: set after opening, because GRDB sets NORMAL
        // on it when it turns WAL on (after any `prepareDatabase`).
        try database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = \(durability.rawValue)") }
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
        migrator.registerMigration("v2: held events, indexes for paging and pruning") { db in
            // 1 while a flapping policy's event waits for its summary: the flap guard's memory, so that
            // a restart still sends the summary.
            try db.alter(table: "event") { t in t.add(column: "held", .integer).notNull().defaults(to: 0) }
            try db.create(index: "event_time", on: "event", columns: ["time"])
            try db.create(index: "outbox_event", on: "outbox", columns: ["eventId"])
            try db.create(index: "outbox_due", on: "outbox", columns: ["state", "nextAttemptAt"])
        }
        migrator.registerMigration("v3: zone versions and journals") { db in
            // The newest version of each zone: its serial and a digest of what it transfers.
            try db.create(table: "zone_version") { t in
                t.primaryKey("zone", .text)
                t.column("serial", .integer).notNull()
                t.column("digest", .integer).notNull()
                t.column("time", .double).notNull()
            }
            // Each zone's recent deltas, oldest first by id: what IXFR answers from after a restart.
            try db.create(table: "zone_journal") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("zone", .text).notNull()
                t.column("fromSerial", .integer).notNull()
                t.column("toSerial", .integer).notNull()
                t.column("deleted", .blob).notNull()
                t.column("added", .blob).notNull()
            }
            try db.create(index: "zone_journal_zone", on: "zone_journal", columns: ["zone", "id"])
        }
        migrator.registerMigration("v4: deliveries made by another fleet node") { db in
            // The fleet node that delivered the event instead of this one (the row is then `delivered`).
            try db.alter(table: "outbox") { t in t.add(column: "deliveredBy", .text) }
        }
        return migrator
    }
}
