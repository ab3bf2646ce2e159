import DNSWire
import Manifests
import Model
import Testing
@testable import Authority

/// Which events a health change causes: the table above `FailoverEvents`, row by row.
@Suite("Failover events")
struct FailoverEventTests {
    static let manifests = """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: example.com}
        spec: {ttl: 3600, soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1, ns2]}
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
          monitor: web
          tiers: [{name: primary, endpoints: [192.0.2.1]}, {name: secondary, endpoints: [198.51.100.1]}]
        ---
        apiVersion: switchyard.io/v1
        kind: WeightedPolicy
        metadata: {name: api}
        spec:
          zone: example.com
          name: api
          type: A
          monitor: web
          endpoints: [{address: 192.0.2.10, weight: 3}, {address: 192.0.2.11, weight: 1}]
          whenAllDown: none
        ---
        apiVersion: switchyard.io/v1
        kind: GeoPolicy
        metadata: {name: geo}
        spec:
          zone: example.com
          name: geo
          type: A
          monitor: web
          networks: {office: [10.20.0.0/16]}
          regions:
            - {name: office, match: {networks: [office]}, endpoints: [10.20.0.10]}
            - {name: failover, match: {networks: [office]}, use: www}
            - {name: rest, default: true, endpoints: [192.0.2.50, 192.0.2.51]}
        """

    let state = ManifestCompiler.compile([ManifestSource(path: "p.yaml", text: Self.manifests)]).state!

    static func key(_ address: String) -> EndpointKey { EndpointKey(monitor: "web", value: .address(IPAddress(address)!)) }

    static func health(down: [String]) -> HealthTable {
        HealthTable(Dictionary(uniqueKeysWithValues: down.map { (key($0), HealthState.down) }))
    }

    static func change(_ address: String, to state: HealthState) -> HealthChange {
        HealthChange(endpoint: key(address), from: state == .down ? .up : .down, to: state,
                     causes: [ProbeResult(isSuccess: state == .up, detail: "test", latency: .zero)],
                     time: Timestamp(millisecondsSince1970: 1_000))
    }

    /// The events of going from `before` to `after` (endpoints down), with `changed` as the causes.
    func events(from before: [String], to after: [String], changed: [HealthChange]) -> [FailoverEvent] {
        let old = Snapshot.build(state, health: Self.health(down: before), previous: nil, now: 1)
        let new = Snapshot.build(state, health: Self.health(down: after), previous: old, now: 2)
        var next = 0
        return FailoverEvents.between(old, new, state: state, changes: changed, time: Timestamp(millisecondsSince1970: 1_000),
                                      makeID: { next += 1; return "event-\(next)" })
    }

    @Test func failoverFailbackAllDownRecovered() throws {
        let failover = events(from: [], to: ["192.0.2.1"], changed: [Self.change("192.0.2.1", to: .down)])
        let event = try #require(failover.first { $0.policy == PolicyID(.failover, "www") })
        #expect(event.kind == .failover && event.id.hasPrefix("event-"))
        #expect(event.owner == (try Name("www.example.com.")) && event.type == .a && event.zone == "example.com")
        #expect(event.before.description == "primary (192.0.2.1)")
        #expect(event.after.description == "secondary (198.51.100.1)")
        #expect(event.causes == [Self.change("192.0.2.1", to: .down)])

        let failback = events(from: ["192.0.2.1"], to: [], changed: [Self.change("192.0.2.1", to: .up)])
        #expect(failback.first { $0.policy == PolicyID(.failover, "www") }?.kind == .failback)

        let allDown = events(from: ["192.0.2.1"], to: ["192.0.2.1", "198.51.100.1"], changed: [Self.change("198.51.100.1", to: .down)])
        let down = try #require(allDown.first { $0.policy == PolicyID(.failover, "www") })
        #expect(down.kind == .allDown)
        #expect(down.after.description == "failsafe: primary (192.0.2.1)")

        let recovered = events(from: ["192.0.2.1", "198.51.100.1"], to: ["192.0.2.1"], changed: [Self.change("198.51.100.1", to: .up)])
        #expect(recovered.first { $0.policy == PolicyID(.failover, "www") }?.kind == .recovered)
    }

    @Test func weightedMovesAndNodata() throws {
        let out = events(from: [], to: ["192.0.2.11"], changed: [Self.change("192.0.2.11", to: .down)])
        #expect(out.map(\.policy) == [PolicyID(.weighted, "api")])
        #expect(out.first?.kind == .failover)
        #expect(out.first?.after.description == "192.0.2.10")

        #expect(events(from: ["192.0.2.11"], to: [], changed: []).first?.kind == .failback)

        let nothing = try #require(events(from: ["192.0.2.11"], to: ["192.0.2.10", "192.0.2.11"], changed: []).first)
        #expect(nothing.kind == .allDown && nothing.after.description == "nothing (NODATA)")
    }

    @Test func geoReportsRegionsWithTheirOwnEndpointsOnce() throws {
        // The office region's only endpoint fails: it falls back to the default region's answer.
        let office = events(from: [], to: ["10.20.0.10"], changed: [Self.change("10.20.0.10", to: .down)])
        #expect(office.count == 1)
        #expect(office.first?.policy == PolicyID(.geo, "geo") && office.first?.region == "office" && office.first?.kind == .failover)
        #expect(office.first?.after.description == "192.0.2.50, 192.0.2.51")

        // With the office already on the default's answer, a default change is reported once, by the default.
        let rest = events(from: ["10.20.0.10"], to: ["10.20.0.10", "192.0.2.50"], changed: [Self.change("192.0.2.50", to: .down)])
        #expect(rest.map(\.region) == ["rest"])

        // The region that uses www is www's to report, not the geo policy's.
        let www = events(from: [], to: ["192.0.2.1"], changed: [])
        #expect(www.map(\.policy) == [PolicyID(.failover, "www")])
    }

    @Test func noEventWithoutAServedChange() {
        #expect(events(from: [], to: [], changed: []).isEmpty)
        // Causes of other policies' endpoints are not attached.
        let out = events(from: [], to: ["192.0.2.1"], changed: [Self.change("192.0.2.1", to: .down), Self.change("10.20.0.99", to: .down)])
        #expect(out.allSatisfy { $0.causes.map(\.endpoint) == [Self.key("192.0.2.1")] })
    }
}
