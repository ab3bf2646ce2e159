import Foundation
import GRDB
import Model

extension Store {
    /// The newest applied config, or nil before the first apply.
    public func latest() throws -> AppliedConfig? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM generation ORDER BY generation DESC LIMIT 1").map(AppliedConfig.init)
        }
    }

    /// The manifests of the newest applied config (empty before the first apply), for `/v1/state`.
    public func latestSources() async throws -> [SourceFile] {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM generation ORDER BY generation DESC LIMIT 1").map(AppliedConfig.init)?.sources ?? []
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
                      at time: Date = Date()) async throws -> Int {
        let blob = try JSONEncoder().encode(sources)
        return try await database.write { db in
            try Self.insertGeneration(db, blob: blob, revision: revision, checksum: checksum, summary: summary,
                                      expectedGeneration: expectedGeneration, time: time)
        }
    }

    private static func insertGeneration(_ db: Database, blob: Data, revision: String?, checksum: String, summary: String,
                                         expectedGeneration: Int, time: Date) throws -> Int {
        let current = try Int.fetchOne(db, sql: "SELECT MAX(generation) FROM generation") ?? 0
        guard current == expectedGeneration else { throw StaleGeneration(expected: expectedGeneration, current: current) }
        try db.execute(sql: "INSERT INTO generation (generation, revision, appliedAt, checksum, summary, sources) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [current + 1, revision, time.timeIntervalSince1970, checksum, summary, blob])
        try db.execute(sql: "DELETE FROM generation WHERE generation <= ?", arguments: [current + 1 - keptGenerations])
        return current + 1
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
