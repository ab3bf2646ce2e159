import DNSWire
import Manifests
import Model
import Testing
@testable import Authority

@Suite("Snapshots and serials")
struct SnapshotTests {
    func state(_ records: String, zone: String = "example.com") -> DesiredState {
        let text = """
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: \(zone)}
            spec:
              ttl: 3600
              soa: {primary: ns1, contact: hostmaster}
              nameservers: [ns1, ns2]
              records: [\(records)]
            """
        return ManifestCompiler.compile([ManifestSource(path: "z.yaml", text: text)]).state!
    }

    @Test func serialsFollowTheClockAndNeverGoBack() {
        #expect(SerialNumber.next(after: nil, now: 1_700_000_000) == 1_700_000_000)
        #expect(SerialNumber.next(after: 1_700_000_000, now: 1_700_000_100) == 1_700_000_100)
        #expect(SerialNumber.next(after: 1_700_000_100, now: 1_700_000_100) == 1_700_000_101)  // same second
        #expect(SerialNumber.next(after: 1_700_000_100, now: 1_600_000_000) == 1_700_000_101)  // clock set back
        #expect(SerialNumber.next(after: UInt32.max, now: 5) == 5)  // 5 is ahead of 2^32-1 in RFC 1982 terms
        #expect(SerialNumber.isGreater(1, than: UInt32.max))
        #expect(!SerialNumber.isGreater(UInt32.max, than: 1))
        #expect(!SerialNumber.isGreater(7, than: 7))
        #expect(SerialNumber.isGreater(0x7FFF_FFFF, than: 0))
        #expect(!SerialNumber.isGreater(0x8000_0000, than: 0))  // undefined distance: not greater
    }

    @Test func anUnchangedZoneKeepsItsSerialAndAChangedOneMovesOn() {
        let first = Snapshot.build(state("{name: www, type: A, values: [192.0.2.1]}"), previous: nil, now: 1000)
        let origin = try! Name("example.com.")
        #expect(first.zones[origin]?.serial == 1000)
        let same = Snapshot.build(state("{name: www, type: A, values: [192.0.2.1]}"), previous: first, now: 2000)
        #expect(same.zones[origin]?.serial == 1000)
        #expect(same.zones[origin] === first.zones[origin])
        let changed = Snapshot.build(state("{name: www, type: A, values: [192.0.2.2]}"), previous: same, now: 2000)
        #expect(changed.zones[origin]?.serial == 2000)
        let again = Snapshot.build(state("{name: www, type: A, values: [192.0.2.3]}"), previous: changed, now: 2000)
        #expect(again.zones[origin]?.serial == 2001)
        guard case .soa(let soa)? = again.zones[origin]?.soa.data else { Issue.record("no SOA"); return }
        #expect(soa.serial == 2001)
    }

    @Test func theReferenceSwapsWholeSnapshots() {
        let reference = SnapshotReference()
        #expect(reference.load().zones.isEmpty)
        let snapshot = Snapshot.build(state("{name: www, type: A, values: [192.0.2.1]}"), previous: nil, now: 1)
        reference.store(snapshot)
        #expect(reference.load() === snapshot)
    }

    @Test func theLongestOriginOwnsAName() {
        var combined = state("{name: www, type: A, values: [192.0.2.1]}")
        combined.zones += state("{name: www, type: A, values: [192.0.2.9]}", zone: "sub.example.com").zones
        let snapshot = Snapshot.build(combined, previous: nil, now: 1)
        #expect(snapshot.zone(for: try! Name("www.sub.example.com."))?.name == "sub.example.com")
        #expect(snapshot.zone(for: try! Name("www.example.com."))?.name == "example.com")
        #expect(snapshot.zone(for: try! Name("example.net.")) == nil)
    }
}
