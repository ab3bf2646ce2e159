import Foundation
import SwitchyardTesting
import Testing

/// Real BIND 9 and Knot consume the catalog zone (RFC 9432) Switchyard serves, each configured once
/// with nothing but the catalog: a zone added to the manifests is served by both without touching their
/// configuration, a zone removed leaves both, and an apex ALIAS reaches them as A records.
@Suite("Catalog zones with BIND and Knot")
struct CatalogSecondaryTests {
    static let catalog = "catalog.switchyard.invalid."

    /// `example.com` with an apex ALIAS to its own `www`, and the catalog: BIND by address, Knot by the
    /// host name `localhost`.
    static func manifests(bindPort: Int, knotPort: Int) -> String {
        """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: example.com}
        spec:
          ttl: 3600
          soa: {primary: ns1, contact: hostmaster, refresh: 3600, retry: 600}
          nameservers: [ns1, ns2]
          records:
            - {name: ns1, type: A, values: [192.0.2.53]}
            - {name: ns2, type: A, values: [192.0.2.54]}
            - {name: www, type: A, ttl: 300, values: [192.0.2.80]}
        ---
        apiVersion: switchyard.io/v1
        kind: FailoverPolicy
        metadata: {name: apex}
        spec: {zone: example.com, name: "@", type: ALIAS, ttl: 60, tiers: [{name: primary, endpoints: [www]}]}
        ---
        apiVersion: switchyard.io/v1
        kind: Catalog
        metadata: {name: fleet}
        spec:
          zone: \(catalog)
          secondaries: [{address: "127.0.0.1:\(bindPort)"}, {address: "localhost:\(knotPort)"}]

        """
    }

    static let addedZone = """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: example.net}
        spec:
          ttl: 3600
          soa: {primary: ns1.example.com., contact: hostmaster.example.com., refresh: 3600, retry: 600}
          nameservers: [ns1.example.com., ns2.example.com.]
          records:
            - {name: www, type: A, values: [198.51.100.7]}

        """

    static func describe(_ times: [String: TimeInterval]) -> String {
        times.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.2f", $0.value)) s" }.joined(separator: ", ")
    }

    @Test func zonesJoinAndLeaveBothSecondariesByTheCatalog() throws {
        let bindPort = try freeLoopbackPort()
        let knotPort = try freeLoopbackPort()
        let manifests = try temporaryDirectory("catalog-manifests")
        defer { try? FileManager.default.removeItem(at: manifests) }
        try Self.manifests(bindPort: bindPort, knotPort: knotPort)
            .write(to: manifests.appendingPathComponent("zones.yaml"), atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: manifests)
        defer { controller.stop() }
        let bind = try BINDServer(catalog: Self.catalog, primaryPort: controller.port, port: bindPort)
        defer { bind.stop() }
        let knot = try KnotSecondary(catalog: Self.catalog, primaryPort: controller.port, port: knotPort)
        defer { knot.stop() }
        let secondaries = [("BIND", bindPort, { bind.logText }), ("Knot", knotPort, { knot.logText })]
        func port(of name: String) -> Int { name == "BIND" ? bindPort : knotPort }

        // Both learn example.com from the catalog alone; the apex ALIAS arrives as the A record it resolves to.
        for (name, port, log) in secondaries {
            let loaded = try waitUntil(seconds: 30) {
                try dig(["www.example.com", "A"], port: port).answer == ["www.example.com. 300 IN A 192.0.2.80"]
            }
            #expect(loaded, "\(name) did not load example.com from the catalog:\n\(log())")
            let apex = try dig(["example.com", "A"], port: port)
            #expect(apex.answer == ["example.com. 60 IN A 192.0.2.80"], "\(name):\n\(apex)")
            #expect(apex.answer == (try dig(["example.com", "A"], port: controller.port)).answer)
        }
        #expect(controller.waitForLog(containing: ["secondary host name resolved", "host=localhost", "127.0.0.1"]), "\(controller.log)")

        // BIND applies catalog changes at most once per min-update-interval (1 s in its configuration):
        // each change below comes more than that after the last, as changes in git do.
        usleep(1_100_000)

        // A zone added to the manifests: in the catalog in the same apply, then served by both.
        try Self.addedZone.write(to: manifests.appendingPathComponent("added.yaml"), atomically: true, encoding: .utf8)
        let ours = try waitUntil(seconds: 15) { try dig(["www.example.net", "A"], port: controller.port).status == "NOERROR" }
        #expect(ours, "\(controller.log)")
        let added = try secondsUntil(each: secondaries.map(\.0), within: 5) { name in
            try dig(["www.example.net", "A"], port: port(of: name)).answer == ["www.example.net. 3600 IN A 198.51.100.7"]
        }
        // NOTIFY, not the refresh timer (an hour here), brings it: 2 s is ample.
        for (name, _, log) in secondaries {
            #expect((added[name] ?? .infinity) <= 2, "\(name) did not serve the added zone within 2 s:\n\(log())")
        }
        print("served the added zone after Switchyard did: \(Self.describe(added))")

        // A zone removed: the controller refuses to delete a zone from the manifests alone, so the
        // operator applies the plan with --force; the catalog loses the zone in that apply.
        usleep(1_100_000)
        try FileManager.default.removeItem(at: manifests.appendingPathComponent("added.yaml"))
        let applied = try run(repositoryRoot.appendingPathComponent(".build/debug/switchyard").path, [
            "reconcile", "--manifests", manifests.path, "--server", controller.adminURL,
            "--data-dir", controller.dataDirectory.path, "--force",
        ])
        #expect(applied.status == 0, "\(applied.output)")
        #expect(applied.output.contains("- Zone/example.net"), "\(applied.output)")
        #expect(try dig(["www.example.net", "A"], port: controller.port).status == "REFUSED")
        let removed = try secondsUntil(each: secondaries.map(\.0), within: 5) { name in
            try dig(["www.example.net", "A"], port: port(of: name)).status == "REFUSED"
        }
        for (name, _, log) in secondaries {
            #expect((removed[name] ?? .infinity) <= 2, "\(name) still serves the removed zone after 2 s:\n\(log())")
        }
        print("dropped the removed zone after Switchyard did: \(Self.describe(removed))")
        #expect(try dig(["www.example.com", "A"], port: bindPort).status == "NOERROR")
        #expect(try dig(["www.example.com", "A"], port: knotPort).status == "NOERROR")
    }
}
