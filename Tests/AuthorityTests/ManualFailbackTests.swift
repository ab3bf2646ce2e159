import DNSWire
import Manifests
import Model
import Testing
@testable import Authority

@Suite("Manual failback")
struct ManualFailbackTests {
    static func state(failback: String, token: String?) -> DesiredState {
        let text = """
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
              failback: \(failback)
            \(token.map { "  failbackToken: \"\($0)\"" } ?? "")
              tiers: [{name: primary, endpoints: [192.0.2.1]}, {name: secondary, endpoints: [198.51.100.1]}]
            """
        let result = ManifestCompiler.compile([ManifestSource(path: "w.yaml", text: text)])
        precondition(!result.diagnostics.hasErrors, "\(result.diagnostics)")
        return result.state!
    }

    static func health(primary: HealthState, secondary: HealthState = .up) -> HealthTable {
        HealthTable([EndpointKey(monitor: "web", value: .address(IPAddress("192.0.2.1")!)): primary,
                     EndpointKey(monitor: "web", value: .address(IPAddress("198.51.100.1")!)): secondary])
    }

    func served(_ snapshot: Snapshot) -> String {
        let zone = snapshot.zones.first!.value
        guard case .fixed(let answer)? = zone.policies[try! Name("www.example.com.")]?.answer,
              case .all(let values) = answer.selection else { return "?" }
        return values.map(\.description).joined(separator: ",")
    }

    @Test func staysOnTheLowerTierUntilTheTokenChanges() {
        let manual = Self.state(failback: "manual", token: "v1")
        var snapshot = Snapshot.build(manual, health: Self.health(primary: .up), previous: nil, now: 1)
        #expect(served(snapshot) == "192.0.2.1")
        snapshot = Snapshot.build(manual, health: Self.health(primary: .down), previous: snapshot, now: 2)
        #expect(served(snapshot) == "198.51.100.1")
        snapshot = Snapshot.build(manual, health: Self.health(primary: .up), previous: snapshot, now: 3)
        #expect(served(snapshot) == "198.51.100.1")  // recovered, but manual: stays
        snapshot = Snapshot.build(manual, health: Self.health(primary: .up), previous: snapshot, now: 4)
        #expect(served(snapshot) == "198.51.100.1")
        // The operator commits a new token: released to the primary.
        snapshot = Snapshot.build(Self.state(failback: "manual", token: "v2"), health: Self.health(primary: .up), previous: snapshot, now: 5)
        #expect(served(snapshot) == "192.0.2.1")
    }

    @Test func autoFailsBackAndAStuckTierThatFailsMovesOn() {
        let auto = Self.state(failback: "auto", token: nil)
        var snapshot = Snapshot.build(auto, health: Self.health(primary: .down), previous: nil, now: 1)
        #expect(served(snapshot) == "198.51.100.1")
        snapshot = Snapshot.build(auto, health: Self.health(primary: .up), previous: snapshot, now: 2)
        #expect(served(snapshot) == "192.0.2.1")

        let manual = Self.state(failback: "manual", token: nil)
        snapshot = Snapshot.build(manual, health: Self.health(primary: .down), previous: nil, now: 1)
        #expect(served(snapshot) == "198.51.100.1")
        // The lower tier fails while the primary is back: the primary it is, manual or not.
        snapshot = Snapshot.build(manual, health: Self.health(primary: .up, secondary: .down), previous: snapshot, now: 2)
        #expect(served(snapshot) == "192.0.2.1")
    }
}
