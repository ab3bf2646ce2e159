import DNSWire
import Foundation
import Model
import GRDB
@testable import Store
import Testing

/// The store's events: paging, held events and the flap history, pruning, outbox counts.
@Suite("Event store")
struct EventStoreTests {
    static func store() throws -> (Store, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-store-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        return (try Store(directory: directory.path), directory)
    }

    static func event(_ index: Int, kind: String = "failover", subject: String = "FailoverPolicy/www", at time: Date,
                      deliveries: [DeliveryTarget] = [], held: Bool = false) -> StoredEvent.New {
        StoredEvent.New(id: "e\(index)", time: time, kind: kind, subject: subject, body: Data("{}".utf8), deliveries: deliveries, held: held)
    }

    @Test func newestPageAndPagingForward() async throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(at: directory) }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try await store.record(events: (1...7).map { Self.event($0, at: start.addingTimeInterval(Double($0))) })
        // The newest three, oldest first.
        #expect(try await store.latestEvents(limit: 3).map(\.id) == ["e5", "e6", "e7"])
        // Forward from the start, two at a time.
        let first = try await store.events(after: 0, limit: 2)
        #expect(first.map(\.id) == ["e1", "e2"])
        #expect(try await store.events(after: first.last!.sequence, limit: 2).map(\.id) == ["e3", "e4"])
        // Recording an id twice keeps the first.
        try await store.record(events: [Self.event(7, kind: "failback", at: start)])
        #expect(try await store.latestEvents(limit: 1).map(\.kind) == ["failover"])
    }

    @Test func heldEventsStayInTheFlapHistoryUntilSummarized() async throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(at: directory) }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try await store.record(events: [Self.event(1, at: start), Self.event(2, at: start.addingTimeInterval(100), held: true),
                                        Self.event(3, kind: "reconcileFailed", subject: "manifests", at: start.addingTimeInterval(200))])
        // Since a time after every event, only the held one; from the start, both policy events.
        #expect(try store.flapHistory(since: start.addingTimeInterval(1000), kinds: ["failover"]).map(\.id) == ["e2"])
        #expect(try store.flapHistory(since: start, kinds: ["failover"]).map { "\($0.id) \($0.held)" } == ["e1 false", "e2 true"])
        let summary = Self.event(4, kind: "summary", at: start.addingTimeInterval(700),
                                 deliveries: [DeliveryTarget(notifier: "hook", channel: "webhook")])
        try await store.record(events: [summary], summarized: ["e2"])
        #expect(try store.flapHistory(since: start.addingTimeInterval(1000), kinds: ["failover"]).isEmpty)
        #expect(try await store.outboxCounts() == ["pending": 1])
    }

    @Test func aBusyReceiversBacklogHidesNoOtherReceiver() async throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(at: directory) }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let (dead, alive) = (DeliveryTarget(notifier: "dead", channel: "webhook"), DeliveryTarget(notifier: "alive", channel: "email"))
        try await store.record(events: (1...5).map { Self.event($0, at: start.addingTimeInterval(Double($0)), deliveries: [dead]) }
                                      + [Self.event(6, at: start.addingTimeInterval(10), deliveries: [alive])])
        let now = start.addingTimeInterval(60)
        // The oldest first: the dead receiver's backlog fills a small batch.
        #expect(try await store.dueDeliveries(at: now, limit: 3).map(\.eventId) == ["e1", "e2", "e3"])
        #expect(try await store.dueDeliveries(at: now, limit: 3, skipping: [dead]).map(\.eventId) == ["e6"])
        #expect(try await store.nextDeliveryTime(skipping: [dead]) == start.addingTimeInterval(10))
        #expect(try await store.nextDeliveryTime(skipping: [dead, alive]) == nil)
    }

    @Test func pruneKeepsWhatStillWaits() async throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(at: directory) }
        let old = Date(timeIntervalSince1970: 1_800_000_000)
        let hook = DeliveryTarget(notifier: "hook", channel: "webhook")
        try await store.record(events: [Self.event(1, at: old, deliveries: [hook]), Self.event(2, at: old, deliveries: [hook]),
                                        Self.event(3, at: old, held: true), Self.event(4, at: old),
                                        Self.event(5, at: old.addingTimeInterval(86_400))])
        // e1 delivered, e2 still pending.
        let due = try await store.dueDeliveries(at: old.addingTimeInterval(1), limit: 10)
        #expect(due.map(\.eventId) == ["e1", "e2"])
        try await store.recordAttempt(due[0].id, delivered: true, error: nil, next: nil)
        #expect(try await store.outboxCounts() == ["delivered": 1, "pending": 1])
        // Older than a day ago: e1 (delivered) and e4 go; e2 waits for its delivery, e3 for its summary, e5 is new.
        #expect(try await store.prune(before: old.addingTimeInterval(3600)) == 2)
        #expect(try await store.latestEvents(limit: 10).map(\.id) == ["e2", "e3", "e5"])
        #expect(try await store.outboxCounts() == ["pending": 1])
    }
}

/// The connection that commits (applies, events, the outbox) syncs the WAL on every commit.
@Suite("Store durability")
struct StoreDurabilityTests {
    @Test func theWriterSyncsEachCommit() async throws {
        let (store, directory) = try EventStoreTests.store()
        defer { try? FileManager.default.removeItem(at: directory) }
        // PRAGMA synchronous: 2 is FULL, 1 NORMAL (what GRDB's pools set by default in WAL mode).
        #expect(try await store.database.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
        #expect(try await store.database.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        let normal = try Store(directory: directory.appendingPathComponent("normal").path, durability: .normal)
        #expect(try await normal.database.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 1)
    }
}

/// Zone versions and journals: what a restart continues from.
@Suite("Zone versions")
struct ZoneVersionStoreTests {
    static func record(_ owner: String, _ address: String) -> ResourceRecord {
        ResourceRecord(name: try! Name(owner), ttl: 60, data: .a(IPv4Address(address)!))
    }

    @Test func versionsAndJournalsRoundTripAndTrim() async throws {
        let (store, directory) = try EventStoreTests.store()
        defer { try? FileManager.default.removeItem(at: directory) }
        let zone = try Name("example.com.")
        let (old, new) = (Self.record("www.example.com.", "192.0.2.1"), Self.record("www.example.com.", "198.51.100.1"))
        try await store.record(zones: [ZoneVersionRecord(origin: zone, serial: 100, digest: 1, delta: nil, oldestKept: nil)])
        try await store.record(zones: [ZoneVersionRecord(origin: zone, serial: 200, digest: UInt64.max, delta: (100, 200, [old], [new]), oldestKept: 100)])
        try await store.record(zones: [ZoneVersionRecord(origin: zone, serial: 300, digest: 3, delta: (200, 300, [new], [old]), oldestKept: 100)])
        var stored = try store.zoneVersions()
        #expect(stored.map(\.serial) == [300] && stored.first?.digest == 3)
        #expect(stored.first?.journal.map { "\($0.from)→\($0.to)" } == ["100→200", "200→300"])
        #expect(stored.first?.journal.first?.deleted == [old] && stored.first?.journal.first?.added == [new])
        // The oldest kept moves on: older deltas go. A digest with the top bit set survives the round trip.
        try await store.record(zones: [ZoneVersionRecord(origin: zone, serial: 400, digest: UInt64.max, delta: (300, 400, [], [new]), oldestKept: 200)])
        stored = try store.zoneVersions()
        #expect(stored.first?.journal.map(\.from) == [200, 300] && stored.first?.digest == UInt64.max)
        // A version that does not chain clears the journal; a removed zone is forgotten.
        try await store.record(zones: [ZoneVersionRecord(origin: zone, serial: 500, digest: 5, delta: nil, oldestKept: nil)])
        #expect(try store.zoneVersions().first?.journal.isEmpty == true)
        try await store.record(zones: [ZoneVersionRecord(origin: zone, serial: 0, digest: 0, delta: nil, oldestKept: nil, removed: true)])
        #expect(try store.zoneVersions().isEmpty)
    }
}
