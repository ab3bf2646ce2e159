import DNSWire
import Foundation
import GRDB

extension Store {
    /// The newest version of each zone and its journal, as recorded: what a restart continues from.
    public func zoneVersions() throws -> [StoredZone] {
        try database.read { db in
            var journals: [String: [StoredZone.Delta]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT zone, fromSerial, toSerial, deleted, added FROM zone_journal ORDER BY id") {
                journals[row["zone"], default: []].append(StoredZone.Delta(
                    from: UInt32(truncatingIfNeeded: row["fromSerial"] as Int64), to: UInt32(truncatingIfNeeded: row["toSerial"] as Int64),
                    deleted: try ResourceRecord.decode([UInt8](row["deleted"] as Data)), added: try ResourceRecord.decode([UInt8](row["added"] as Data))))
            }
            return try Row.fetchAll(db, sql: "SELECT zone, serial, digest FROM zone_version ORDER BY zone").map { row in
                let zone: String = row["zone"]
                return StoredZone(origin: try Name(zone), serial: UInt32(truncatingIfNeeded: row["serial"] as Int64),
                                  digest: UInt64(bitPattern: row["digest"] as Int64), journal: journals[zone] ?? [])
            }
        }
    }

    /// Records zone versions: each zone's newest serial and digest, its delta appended to its journal
    /// (or its journal cleared when the version does not chain on), and deltas older than the oldest
    /// the zone keeps dropped. Part of the same transaction as the health changes that caused them.
    static func record(_ versions: [ZoneVersionRecord], time: Date, in db: Database) throws {
        for version in versions {
            let zone = version.origin.description
            if version.removed {
                try db.execute(sql: "DELETE FROM zone_version WHERE zone = ?", arguments: [zone])
                try db.execute(sql: "DELETE FROM zone_journal WHERE zone = ?", arguments: [zone])
                continue
            }
            try db.execute(sql: """
                INSERT INTO zone_version (zone, serial, digest, time) VALUES (?, ?, ?, ?)
                ON CONFLICT (zone) DO UPDATE SET serial = excluded.serial, digest = excluded.digest, time = excluded.time
                """, arguments: [zone, Int64(version.serial), Int64(bitPattern: version.digest), time.timeIntervalSince1970])
            if let delta = version.delta {
                try db.execute(sql: "INSERT INTO zone_journal (zone, fromSerial, toSerial, deleted, added) VALUES (?, ?, ?, ?, ?)",
                               arguments: [zone, Int64(delta.from), Int64(delta.to), Data(try ResourceRecord.encode(delta.deleted)),
                                           Data(try ResourceRecord.encode(delta.added))])
            }
            if let oldest = version.oldestKept {
                try db.execute(sql: """
                    DELETE FROM zone_journal WHERE zone = ? AND id < (SELECT MAX(id) FROM zone_journal WHERE zone = ? AND fromSerial = ?)
                    """, arguments: [zone, zone, Int64(oldest)])
            } else {
                try db.execute(sql: "DELETE FROM zone_journal WHERE zone = ?", arguments: [zone])
            }
        }
    }
}

/// A zone's newest version with its journal, as stored.
public struct StoredZone: Sendable, Equatable {
    public struct Delta: Sendable, Equatable {
        public let from: UInt32
        public let to: UInt32
        public let deleted: [ResourceRecord]
        public let added: [ResourceRecord]
    }

    public let origin: Name
    public let serial: UInt32
    public let digest: UInt64
    /// Oldest first.
    public let journal: [Delta]
}

/// One zone version to record.
public struct ZoneVersionRecord: Sendable, Hashable {
    public var origin: Name
    public var serial: UInt32
    public var digest: UInt64
    /// The change that led to this version, when it chains on the previous one.
    public var delta: (from: UInt32, to: UInt32, deleted: [ResourceRecord], added: [ResourceRecord])?
    /// The `from` serial of the oldest delta the zone keeps; nil when its journal is empty.
    public var oldestKept: UInt32?
    /// The zone is no longer served: forget its versions.
    public var removed: Bool

    public init(origin: Name, serial: UInt32, digest: UInt64, delta: (from: UInt32, to: UInt32, deleted: [ResourceRecord], added: [ResourceRecord])?,
                oldestKept: UInt32?, removed: Bool = false) {
        self.origin = origin
        self.serial = serial
        self.digest = digest
        self.delta = delta
        self.oldestKept = oldestKept
        self.removed = removed
    }

    public static func == (lhs: ZoneVersionRecord, rhs: ZoneVersionRecord) -> Bool {
        lhs.origin == rhs.origin && lhs.serial == rhs.serial && lhs.digest == rhs.digest && lhs.oldestKept == rhs.oldestKept
            && lhs.removed == rhs.removed && lhs.delta?.from == rhs.delta?.from && lhs.delta?.to == rhs.delta?.to
            && lhs.delta?.deleted == rhs.delta?.deleted && lhs.delta?.added == rhs.delta?.added
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(origin)
        hasher.combine(serial)
        hasher.combine(digest)
    }
}
