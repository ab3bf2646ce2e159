import DNSWire
import Manifests
import Model
import Testing
@testable import Authority

/// Zone versions as secondaries see them: serials that move only when what a zone transfers changes,
/// the journal, and IXFR answered from it (RFC 1995).
@Suite("Zone versions, journal and IXFR")
struct ReplicationTests {
    static let manifests = """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: example.com}
        spec:
          ttl: 3600
          soa: {primary: ns1, contact: hostmaster}
          nameservers: [ns1, ns2]
          secondaries: [{address: "127.0.0.1:5300"}]
          records:
            - {name: lb, type: A, values: [192.0.2.80]}
            - {name: mail, type: A, values: [192.0.2.25]}
        ---
        apiVersion: switchyard.io/v1
        kind: Monitor
        metadata: {name: web}
        spec: {protocol: http}
        ---
        apiVersion: switchyard.io/v1
        kind: FailoverPolicy
        metadata: {name: www}
        spec:
          zone: example.com
          name: www
          type: A
          ttl: 60
          monitor: web
          tiers: [{name: primary, endpoints: [192.0.2.1]}, {name: secondary, endpoints: [198.51.100.1]}]
        ---
        apiVersion: switchyard.io/v1
        kind: FailoverPolicy
        metadata: {name: apex}
        spec: {zone: example.com, name: "@", type: ALIAS, ttl: 60, tiers: [{name: only, endpoints: [www]}]}
        """

    static let state: DesiredState = {
        let result = ManifestCompiler.compile([ManifestSource(path: "m.yaml", text: manifests)])
        return result.state!
    }()

    static let origin = try! Name("example.com.")
    static let secondary = ClientInfo(address: IPAddress("127.0.0.1"), transport: .tcp)

    static func health(_ address: String, _ state: HealthState) -> HealthTable {
        HealthTable([EndpointKey(monitor: "web", value: .address(IPAddress(address)!)): state])
    }

    static func ixfr(_ serial: UInt32?) -> Message {
        var query = Message.query(origin, .ixfr, edns: nil)
        if let serial {
            query.authority = [ResourceRecord(name: origin, ttl: 0, data: .soa(RData.SOA(
                primary: .root, contact: .root, serial: serial, refresh: 0, retry: 0, expire: 0, minimum: 0)))]
        }
        return query
    }

    static func answers(_ messages: [Message]) -> [String] {
        messages.flatMap(\.answers).map { record in
            if case .soa(let soa) = record.data { return "SOA \(soa.serial)" }
            return "\(record.name) \(record.type) \(record.data)"
        }
    }

    @Test func aHealthFlipIsOneDeltaAndIXFRSendsIt() {
        let first = Snapshot.build(Self.state, previous: nil, now: 1000)
        let down = Snapshot.build(Self.state, health: Self.health("192.0.2.1", .down), previous: first, now: 2000)
        let zone = down.zones[Self.origin]!
        #expect(zone.serial == 2000)
        // The primary failed: www moves and so does the apex ALIAS that points at it (owners in canonical order).
        #expect(zone.journal.deltas.count == 1)
        let expected = ["SOA 2000", "SOA 1000",
                        "example.com. A 192.0.2.1", "www.example.com. A 192.0.2.1",
                        "SOA 2000",
                        "example.com. A 198.51.100.1", "www.example.com. A 198.51.100.1",
                        "SOA 2000"]
        #expect(Self.answers(ZoneTransfer.messages(for: Self.ixfr(1000), from: down, client: Self.secondary)) == expected)
        // Current or newer: the SOA alone.
        #expect(Self.answers(ZoneTransfer.messages(for: Self.ixfr(2000), from: down, client: Self.secondary)) == ["SOA 2000"])
        #expect(Self.answers(ZoneTransfer.messages(for: Self.ixfr(2500), from: down, client: Self.secondary)) == ["SOA 2000"])
        // A serial the journal does not reach: the whole zone, as AXFR sends it.
        let full = Self.answers(ZoneTransfer.messages(for: Self.ixfr(900), from: down, client: Self.secondary))
        #expect(full.first == "SOA 2000" && full.last == "SOA 2000" && full.count == 2 + 2 + 2 + 2)
        // Over UDP, the SOA; to others than the secondaries, REFUSED.
        let udp = ZoneTransfer.udpResponse(to: Self.ixfr(1000), from: down, client: ClientInfo(address: IPAddress("127.0.0.1"), transport: .udp))
        #expect(Self.answers([udp]) == ["SOA 2000"])
        let stranger = ZoneTransfer.messages(for: Self.ixfr(1000), from: down, client: ClientInfo(address: IPAddress("192.0.2.9"), transport: .tcp))
        #expect(stranger.map(\.rcode) == [.refused])
    }

    @Test func severalVersionsAreCondensedIntoOne() {
        let first = Snapshot.build(Self.state, previous: nil, now: 1000)
        let down = Snapshot.build(Self.state, health: Self.health("192.0.2.1", .down), previous: first, now: 2000)
        let up = Snapshot.build(Self.state, health: Self.health("192.0.2.1", .up), previous: down, now: 3000)
        #expect(up.zones[Self.origin]!.journal.deltas.map { "\($0.from)→\($0.to)" } == ["1000→2000", "2000→3000"])
        // Down and up again: from 1000 nothing changed but the serial (records added and deleted again cancel out).
        #expect(Self.answers(ZoneTransfer.messages(for: Self.ixfr(1000), from: up, client: Self.secondary))
                == ["SOA 3000", "SOA 1000", "SOA 3000", "SOA 3000"])
        #expect(Self.answers(ZoneTransfer.messages(for: Self.ixfr(2000), from: up, client: Self.secondary))
                == ["SOA 3000", "SOA 2000", "example.com. A 198.51.100.1", "www.example.com. A 198.51.100.1",
                    "SOA 3000", "example.com. A 192.0.2.1", "www.example.com. A 192.0.2.1", "SOA 3000"])
        // Down again: each record once, though it went and came back in between.
        let downAgain = Snapshot.build(Self.state, health: Self.health("192.0.2.1", .down), previous: up, now: 4000)
        #expect(Self.answers(ZoneTransfer.messages(for: Self.ixfr(1000), from: downAgain, client: Self.secondary))
                == ["SOA 4000", "SOA 1000", "example.com. A 192.0.2.1", "www.example.com. A 192.0.2.1",
                    "SOA 4000", "example.com. A 198.51.100.1", "www.example.com. A 198.51.100.1", "SOA 4000"])
    }

    @Test func theSerialMovesOnlyWhenWhatIsTransferredChanges() {
        let first = Snapshot.build(Self.state, previous: nil, now: 1000)
        // The monitor's first verdicts (unknown → up) change nothing a secondary sees.
        let up = Snapshot.build(Self.state, health: Self.health("192.0.2.1", .up), previous: first, now: 2000)
        #expect(up.zones[Self.origin]!.serial == 1000 && up.zones[Self.origin]!.journal.deltas.isEmpty)
        // A static record changes: one delta with just that record.
        var changed = Self.state
        changed.zones[0].records = changed.zones[0].records.map { set in
            var set = set
            if set.owner.description == "mail.example.com." { set.data = [.a(IPv4Address("192.0.2.26")!)] }
            return set
        }
        let edited = Snapshot.build(changed, health: Self.health("192.0.2.1", .up), previous: up, now: 3000)
        let delta = edited.zones[Self.origin]!.journal.deltas.last!
        #expect(delta.from == 1000 && delta.to == 3000)
        #expect(delta.deleted.map(\.description) == ["mail.example.com.\t3600\tIN\tA\t192.0.2.25"])
        #expect(delta.added.map(\.description) == ["mail.example.com.\t3600\tIN\tA\t192.0.2.26"])
        // The clock set back: the serial still goes forward.
        let again = Snapshot.build(Self.state, health: Self.health("192.0.2.1", .up), previous: edited, now: 500)
        #expect(again.zones[Self.origin]!.serial == 3001)
        // The same content has the same digest, whatever the serial.
        #expect(again.zones[Self.origin]!.digest == first.zones[Self.origin]!.digest)
    }

    @Test func theJournalIsBoundedAndChained() {
        func delta(_ from: UInt32, _ to: UInt32, bytes: Int = 1) -> ZoneDelta {
            ZoneDelta(from: from, to: to, deleted: [], added: (0..<bytes).map { index in
                ResourceRecord(name: try! Name("h\(from)-\(index).example."), ttl: 0, data: .a(IPv4Address("192.0.2.1")!))
            })
        }
        let limits = JournalLimits(versions: 3, bytes: 10_000)
        var journal = ZoneJournal()
        for serial in UInt32(1)...5 { journal = journal.appending(delta(serial, serial + 1), limits: limits) }
        #expect(journal.deltas.map(\.from) == [3, 4, 5])
        #expect(journal.changes(since: 2) == nil && journal.changes(since: 3)?.to == 6)
        // A gap (a delta not continuing the last) starts the history over.
        #expect(journal.appending(delta(9, 10), limits: limits).deltas.map(\.from) == [9])
        // Bytes: the oldest go first; one delta over the limit empties the journal.
        let small = JournalLimits(versions: 100, bytes: 200)
        var bounded = ZoneJournal()
        for serial in UInt32(1)...4 { bounded = bounded.appending(delta(serial, serial + 1, bytes: 2), limits: small) }
        #expect(bounded.bytes <= 200 && bounded.deltas.last?.to == 5 && bounded.deltas.count < 4)
        #expect(bounded.appending(delta(5, 6, bytes: 20), limits: small).deltas.isEmpty)
    }

    @Test func aCatalogListsItsMembersAtStableLabels() throws {
        let catalog = Catalog(name: "fleet", origin: try Name("catalog.switchyard.invalid."),
                              secondaries: [Secondary(address: IPAddress("127.0.0.2")!, port: 5301)], members: .all)
        var state = Self.state
        state.catalogs = [catalog]
        let snapshot = Snapshot.build(state, previous: nil, now: 1000)
        let zone = try #require(snapshot.zones[catalog.origin])
        let records = zone.content.staticRecords().map(\.description)
        let label = CatalogZone.memberLabel(Self.origin)
        #expect(try label.count == 16 && label == CatalogZone.memberLabel(Name("EXAMPLE.com.")))
        #expect(records == ["catalog.switchyard.invalid.\t0\tIN\tNS\tinvalid.",
                            "version.catalog.switchyard.invalid.\t0\tIN\tTXT\t\"2\"",
                            "\(label).zones.catalog.switchyard.invalid.\t0\tIN\tPTR\texample.com."])
        // The catalog's consumers may transfer, and are notified of, the member zones too.
        #expect(snapshot.zones[Self.origin]!.secondaries.map { "\($0.address):\($0.port)" } == ["127.0.0.1:5300", "127.0.0.2:5301"])
        // A new member zone is a change of the catalog zone.
        var more = state
        more.zones.append(Zone(name: "example.net", origin: try Name("example.net."), ttl: 300,
                               soa: more.zones[0].soa, nameservers: more.zones[0].nameservers))
        let grown = Snapshot.build(more, previous: snapshot, now: 2000)
        #expect(grown.zones[catalog.origin]!.serial == 2000)
        #expect(grown.zones[catalog.origin]!.journal.deltas.last?.added.map { $0.data.description } == ["example.net."])
    }
}
