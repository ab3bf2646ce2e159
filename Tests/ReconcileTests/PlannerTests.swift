import Manifests
import Model
import Testing
@testable import Reconcile

/// Plans between configs written as manifests: what changes, in which order, and which plans are refused.
@Suite("Planner")
struct PlannerTests {
    static let base = """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: example.com}
        spec:
          ttl: 3600
          soa: {primary: ns1, contact: hostmaster}
          nameservers: [ns1, ns2]
          records:
            - {name: www, type: A, values: [192.0.2.1]}
            - {name: api, type: A, values: [192.0.2.2]}
            - {name: mail, type: A, values: [192.0.2.3]}
            - {name: a, type: A, values: [192.0.2.4]}
            - {name: b, type: A, values: [192.0.2.5]}
            - {name: c, type: A, values: [192.0.2.6]}
            - {name: d, type: A, values: [192.0.2.7]}
            - {name: e, type: A, values: [192.0.2.8]}
            - {name: f, type: A, values: [192.0.2.9]}
            - {name: "@", type: MX, values: ["10 mail"]}
        ---
        apiVersion: switchyard.io/v1
        kind: Monitor
        metadata: {name: web}
        spec: {protocol: http, port: 8080, interval: 5s, timeout: 1s}
        ---
        apiVersion: switchyard.io/v1
        kind: FailoverPolicy
        metadata: {name: shop}
        spec:
          zone: example.com
          name: shop
          type: A
          monitor: web
          tiers: [{name: primary, endpoints: [127.0.0.1]}, {name: secondary, endpoints: [127.0.0.2]}]
        ---
        apiVersion: switchyard.io/v1
        kind: WeightedPolicy
        metadata: {name: lb}
        spec: {zone: example.com, name: lb, type: A, endpoints: [{address: 127.0.0.3, weight: 3}, {address: 127.0.0.4, weight: 1}]}
        ---
        apiVersion: switchyard.io/v1
        kind: GeoPolicy
        metadata: {name: geo}
        spec:
          zone: example.com
          name: geo
          type: A
          networks: {office: [10.20.0.0/16]}
          regions:
            - {name: office, match: {networks: [office]}, endpoints: [127.0.0.5]}
            - {name: rest, default: true, use: shop}
        ---
        apiVersion: switchyard.io/v1
        kind: Notifier
        metadata: {name: oncall}
        spec: {webhook: {url: "https://hooks.example.com/dns", secretFrom: "env:HOOK_SECRET"}}
        """

    static func state(_ text: String) throws -> DesiredState {
        let result = ManifestCompiler.compile([ManifestSource(path: "m.yaml", text: text)])
        return try #require(result.state, "\(result.diagnostics)")
    }

    @Test func fromNothingEverythingIsCreatedInOrder() throws {
        let plan = Planner.plan(from: nil, to: try Self.state(Self.base), baseGeneration: 0)
        #expect(plan.changes.allSatisfy { $0.action == .create })
        #expect(plan.changes.map(\.resource).prefix(3) == ["Zone/example.com", "Zone/example.com @ MX", "Zone/example.com a A"])
        #expect(Array(plan.changes.map(\.resource).suffix(5))
                == ["Monitor/web", "FailoverPolicy/shop", "WeightedPolicy/lb", "GeoPolicy/geo", "Notifier/oncall"])
        #expect(plan.refusals.isEmpty)
        let notifier = try #require(plan.changes.last)
        #expect(notifier.fields.contains { $0.name == "webhook.secret" && $0.new == "env:HOOK_SECRET" })
    }

    @Test func planningAgainAfterApplyIsEmptyForEveryKind() throws {
        // The live config is what was applied; compiled again from the same text it must equal the desired one.
        let applied = try Self.state(Self.base)
        let plan = Planner.plan(from: try Self.state(Self.base), to: applied, baseGeneration: 1)
        #expect(plan.isEmpty && plan.refusals.isEmpty)
        #expect(plan.summary == "0 to create, 0 to update, 0 to delete")
        // And for a config of every kind, including every example manifest.
        let (sources, _) = ManifestFiles.read([repositoryManifests])
        let examples = try #require(ManifestCompiler.compile(sources).state)
        let again = try #require(ManifestCompiler.compile(ManifestFiles.read([repositoryManifests]).sources).state)
        #expect(Planner.plan(from: examples, to: again, baseGeneration: 1).isEmpty)
    }

    @Test func updatesShowOldAndNewPerField() throws {
        let changed = Self.base
            .replacingOccurrences(of: "{name: www, type: A, values: [192.0.2.1]}", with: "{name: www, type: A, ttl: 60, values: [192.0.2.1, 192.0.2.10]}")
            .replacingOccurrences(of: "{protocol: http, port: 8080, interval: 5s, timeout: 1s}", with: "{protocol: http, port: 8081, interval: 5s, timeout: 1s}")
            .replacingOccurrences(of: "{address: 127.0.0.4, weight: 1}", with: "{address: 127.0.0.4, weight: 0}")
        let plan = Planner.plan(from: try Self.state(Self.base), to: try Self.state(changed), baseGeneration: 3)
        #expect(plan.changes.map(\.resource) == ["Zone/example.com www A", "Monitor/web", "WeightedPolicy/lb"])
        #expect(plan.changes.allSatisfy { $0.action == .update })
        #expect(plan.changes[0].fields == [.init(name: "ttl", old: "3600", new: "60"),
                                           .init(name: "values", old: "192.0.2.1", new: "192.0.2.1, 192.0.2.10")])
        #expect(plan.changes[1].fields == [.init(name: "port", old: "8080", new: "8081")])
        #expect(plan.changes[2].fields.map(\.new) == ["127.0.0.3 (weight 3), 127.0.0.4 (weight 0)"])
        #expect(plan.refusals.isEmpty, "\(plan.refusals)")
    }

    @Test func signingIsAFieldOfTheZoneAndAKeyChangeIsRefused() throws {
        func signed(_ setting: String) -> String {
            Self.base.replacingOccurrences(of: "  nameservers: [ns1, ns2]\n", with: "  nameservers: [ns1, ns2]\n  dnssec: \(setting)\n")
        }
        let enabling = Planner.plan(from: try Self.state(Self.base), to: try Self.state(signed("{}")), baseGeneration: 1)
        #expect(enabling.changes.map(\.resource) == ["Zone/example.com"])
        #expect(enabling.changes.first?.fields == [.init(name: "dnssec", old: "off", new: "ecdsap256sha256, key kept by the controller")])
        #expect(enabling.refusals.isEmpty)

        // Another key (another algorithm or key file), or no signing: refused unless forced.
        let live = try Self.state(signed("{}"))
        #expect(Planner.plan(from: live, to: try Self.state(signed("{algorithm: ecdsap256sha256}")), baseGeneration: 2).isEmpty)
        let rolled = Planner.plan(from: live, to: try Self.state(signed("{keyFrom: \"file:/etc/keys/new.private\"}")), baseGeneration: 2)
        #expect(rolled.refusals == [.signingKeyChanged(zone: "example.com", from: "ecdsap256sha256, key kept by the controller",
                                                       to: "ecdsap256sha256, key from file:/etc/keys/new.private")])
        let stopped = Planner.plan(from: live, to: try Self.state(Self.base), baseGeneration: 2)
        #expect(stopped.refusals == [.signingKeyChanged(zone: "example.com", from: "ecdsap256sha256, key kept by the controller", to: nil)])
        #expect(stopped.refusals.first?.description.hasPrefix("stops signing example.com") == true)
    }

    @Test func serialChangesAndCatalogMembershipAreShown() throws {
        let catalog = """

            ---
            apiVersion: switchyard.io/v1
            kind: Catalog
            metadata: {name: fleet}
            spec: {zone: catalog.switchyard.invalid., secondaries: [{address: 192.0.2.53}]}
            """
        let added = """

            ---
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.net}
            spec: {ttl: 3600, soa: {primary: ns1.example.com., contact: hostmaster.example.com.}, nameservers: [ns1.example.com., ns2.example.com.]}
            """
        let live = try Self.state(Self.base + catalog)
        // A zone added, and a policy of example.com serving elsewhere; the monitor's change moves no serial.
        let desired = try Self.state((Self.base + catalog + added)
            .replacingOccurrences(of: "tiers: [{name: primary, endpoints: [127.0.0.1]}", with: "tiers: [{name: primary, endpoints: [127.0.0.9]}")
            .replacingOccurrences(of: "port: 8080", with: "port: 8081"))
        let plan = Planner.plan(from: live, to: desired, baseGeneration: 4,
                                liveSerials: ["example.com": 2024, "catalog.switchyard.invalid.": 7])
        let membership = try #require(plan.changes.first { $0.resource == "Catalog/fleet" })
        #expect(membership.action == .update)
        #expect(membership.fields == [.init(name: "members", old: "all (example.com)", new: "all (example.com, example.net)")])
        #expect(plan.serials == [.init(zone: "catalog.switchyard.invalid.", live: 7, isDeleted: false),
                                 .init(zone: "example.com", live: 2024, isDeleted: false),
                                 .init(zone: "example.net", live: nil, isDeleted: false)])
        #expect(PlanRenderer.text(plan, color: false).contains("""
            Zone serials (secondaries follow by IXFR):
              catalog.switchyard.invalid.: 7 → next
              example.com: 2024 → next
              example.net: new zone
            """))

        // Back again: the zone leaves the catalog, and its serial line says it goes.
        let back = Planner.plan(from: desired, to: live, baseGeneration: 5, liveSerials: ["example.net": 9])
        #expect(back.serials.map(\.zone) == ["catalog.switchyard.invalid.", "example.com", "example.net"])
        #expect(back.serials.last == .init(zone: "example.net", live: 9, isDeleted: true))
        #expect(PlanRenderer.markdown(back).contains("`example.net` deleted"))
    }

    @Test func deletesComeAfterTheRestOfTheirKind() throws {
        let fewer = Self.base.replacingOccurrences(of: "    - {name: api, type: A, values: [192.0.2.2]}\n", with: "")
            .replacingOccurrences(of: "metadata: {name: lb}", with: "metadata: {name: lb2}")
        let plan = Planner.plan(from: try Self.state(Self.base), to: try Self.state(fewer), baseGeneration: 3)
        #expect(plan.changes.map { "\($0.action.symbol) \($0.resource)" }
                == ["- Zone/example.com api A", "+ WeightedPolicy/lb2", "- WeightedPolicy/lb"])
    }

    @Test func largeRecordChangesApexNSAndZoneDeletesAreRefused() throws {
        let before = try Self.state(Self.base)
        // 3 of 10 records: allowed. 4 of 10: refused, naming them.
        var three = Self.base
        for name in ["a", "b", "c"] { three = three.replacingOccurrences(of: "    - {name: \(name), type: A, values: [192.0.2.", with: "    - {name: \(name)x, type: A, values: [192.0.2.") }
        #expect(Planner.plan(from: before, to: try Self.state(three), baseGeneration: 1).refusals.isEmpty)
        let four = three.replacingOccurrences(of: "{name: d, type: A, values: [192.0.2.7]}", with: "{name: d, type: A, values: [192.0.2.77]}")
        let refused = Planner.plan(from: before, to: try Self.state(four), baseGeneration: 1).refusals
        #expect(refused.map(\.description) == ["deletes or updates 4 of the 10 records of example.com (40%, more than 30%): a A, b A, c A, d A"])

        let ns = Self.base.replacingOccurrences(of: "nameservers: [ns1, ns2]", with: "nameservers: [ns1, ns3]")
        #expect(Planner.plan(from: before, to: try Self.state(ns), baseGeneration: 1).refusals.map(\.description)
                == ["changes the apex NS set of example.com: ns1.example.com., ns2.example.com. → ns1.example.com., ns3.example.com."])

        let noZone = DesiredState(monitors: before.monitors, notifiers: before.notifiers)
        #expect(Planner.plan(from: before, to: noZone, baseGeneration: 1).refusals.map(\.description)
                == ["deletes zone example.com and its 10 records"])
    }

    @Test func largePolicyChangesAndDeletingEveryPolicyAreRefused() throws {
        // Seven weighted policies more make ten in example.com.
        func withPolicies(ttls: [Int]) -> String {
            Self.base + ttls.enumerated().map { index, ttl in
                "\n---\napiVersion: switchyard.io/v1\nkind: WeightedPolicy\nmetadata: {name: w\(index)}\n"
                    + "spec: {zone: example.com, name: w\(index), type: A, ttl: \(ttl), endpoints: [{address: 127.0.1.\(index + 1)}]}"
            }.joined()
        }
        let before = try Self.state(withPolicies(ttls: Array(repeating: 60, count: 7)))
        // 3 of 10 changed: allowed. 4 of 10 (3 changed, one deleted): refused, with the numbers and names.
        let three = try Self.state(withPolicies(ttls: [30, 30, 30, 60, 60, 60, 60]))
        #expect(Planner.plan(from: before, to: three, baseGeneration: 1).refusals.isEmpty)
        var four = try Self.state(withPolicies(ttls: [30, 30, 30, 60, 60, 60, 60]))
        four.geoPolicies = []
        let refused = Planner.plan(from: before, to: four, baseGeneration: 1).refusals
        #expect(refused == [.policiesChanged(zone: "example.com", changed: 4, total: 10,
                                             policies: ["GeoPolicy/geo", "WeightedPolicy/w0", "WeightedPolicy/w1", "WeightedPolicy/w2"])])
        #expect(refused.map(\.description) == ["deletes or changes 4 of the 10 traffic policies of example.com (40%, more than 30%): "
                                               + "GeoPolicy/geo, WeightedPolicy/w0, WeightedPolicy/w1, WeightedPolicy/w2"])

        // Every policy of a zone that stays, however few: refused. The zone's records are untouched.
        let small = try Self.state(Self.base)
        var none = small
        none.failoverPolicies = []
        none.weightedPolicies = []
        none.geoPolicies = []
        #expect(Planner.plan(from: small, to: none, baseGeneration: 1).refusals
                == [.allPoliciesDeleted(zone: "example.com", policies: ["FailoverPolicy/shop", "GeoPolicy/geo", "WeightedPolicy/lb"])])
        // One of three changed in a small zone is an everyday edit.
        var edited = small
        edited.weightedPolicies[0].target.ttl = 30
        #expect(Planner.plan(from: small, to: edited, baseGeneration: 1).refusals.isEmpty)
    }

    @Test func checksumFollowsContentOnly() throws {
        let before = try Self.state(Self.base)
        let after = try Self.state(Self.base.replacingOccurrences(of: "port: 8080", with: "port: 8081"))
        let one = Planner.plan(from: before, to: after, baseGeneration: 1)
        let two = Planner.plan(from: before, to: after, baseGeneration: 1, serving: [.init(policy: "x", answer: "y")])
        #expect(one.checksum == two.checksum && one.checksum.count == 12)
        let other = Planner.plan(from: before, to: try Self.state(Self.base.replacingOccurrences(of: "port: 8080", with: "port: 8082")),
                                 baseGeneration: 1)
        #expect(other.checksum != one.checksum)
    }

    @Test func renderers() throws {
        let plan = Planner.plan(from: try Self.state(Self.base),
                                to: try Self.state(Self.base.replacingOccurrences(of: "port: 8080", with: "port: 8081")),
                                baseGeneration: 7, baseRevision: "abc123", serving: [.init(policy: "FailoverPolicy/shop", answer: "primary (127.0.0.1)")])
        let text = PlanRenderer.text(plan, color: false)
        #expect(text == """
            Plan against generation 7 (revision abc123):
            ~ Monitor/web
                port: 8080 → 8081
            Serving now, given live health:
              FailoverPolicy/shop: primary (127.0.0.1)
            Plan: 0 to create, 1 to update, 0 to delete. Checksum: \(plan.checksum)

            """)
        #expect(PlanRenderer.text(plan, color: true).contains("\u{1B}[33m~ Monitor/web\u{1B}[0m"))
        let markdown = PlanRenderer.markdown(plan)
        #expect(markdown.hasPrefix("**Switchyard plan** against generation 7 (`abc123`): 0 to create, 1 to update, 0 to delete"))
        #expect(markdown.contains("<details><summary>Changes (1)</summary>") && markdown.contains("! Monitor/web"))
        let json = PlanRenderer.json(plan)
        #expect(json.contains("\"checksum\" : \"\(plan.checksum)\"") && json.contains("\"formatVersion\" : 1"))
    }
}

let repositoryManifests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("manifests").path

import Foundation
