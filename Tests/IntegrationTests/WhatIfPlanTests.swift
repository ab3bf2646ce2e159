import Foundation
import SwitchyardTesting
import Testing

/// `reconcile --dry-run --assume-down/--assume-up`: what each policy would serve under health that is
/// not the live one, in every output format, checked against a running controller.
@Suite("What-if plans")
struct WhatIfPlanTests {
    static let manifests = """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: example.test}
        spec: {soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1, ns2], records: []}
        ---
        apiVersion: switchyard.io/v1
        kind: Monitor
        metadata: {name: web}
        spec: {protocol: tcp, port: 9, interval: 1h, timeout: 1s}
        ---
        apiVersion: switchyard.io/v1
        kind: FailoverPolicy
        metadata: {name: www}
        spec: {zone: example.test, name: www, type: A, ttl: 60, monitor: web,
               tiers: [{name: primary, endpoints: [127.0.0.10]}, {name: secondary, endpoints: [127.0.0.20]}]}
        """

    @Test func assumedHealthInEveryFormat() throws {
        let directory = try temporaryDirectory("what-if")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.manifests.write(to: directory.appendingPathComponent("all.yaml"), atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: directory)
        defer { controller.stop() }
        func plan(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try ReconcileEndToEndTests.cli(["reconcile", "--manifests", directory.path] + arguments, controller: controller)
        }

        let primaryDown = try plan(["--dry-run", "--assume-down", "web/127.0.0.10", "--assume-up", "web/127.0.0.20"])
        #expect(primaryDown.status == 0, "\(primaryDown.output)")
        #expect(primaryDown.output.contains("Serving now, given live health and assuming web/127.0.0.10 down, web/127.0.0.20 up:\n"
                                            + "  FailoverPolicy/www: secondary (127.0.0.20)"), "\(primaryDown.output)")
        let bothUp = try plan(["--dry-run", "--assume-up", "web/127.0.0.10", "--assume-up", "web/127.0.0.20"])
        #expect(bothUp.output.contains("  FailoverPolicy/www: primary (127.0.0.10)"), "\(bothUp.output)")

        let markdown = try plan(["--dry-run", "--output", "markdown", "--assume-down", "web/127.0.0.10", "--assume-up", "web/127.0.0.20"])
        #expect(markdown.output.contains("<details open><summary>Serving now, given live health and assuming web/127.0.0.10 down, "
                                         + "web/127.0.0.20 up</summary>"), "\(markdown.output)")
        #expect(markdown.output.contains("| `FailoverPolicy/www` | secondary (127.0.0.20) |"), "\(markdown.output)")

        let json = try plan(["--dry-run", "--output", "json", "--assume-down", "web/127.0.0.10", "--assume-up", "web/127.0.0.20"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any], "\(json.output)")
        #expect((object["assumed"] as? [[String: String]]) == [["endpoint": "web/127.0.0.10", "state": "down"],
                                                                ["endpoint": "web/127.0.0.20", "state": "up"]])
        #expect((object["serving"] as? [[String: String]])?.first?["answer"] == "secondary (127.0.0.20)", "\(json.output)")
        let planFile = directory.appendingPathComponent("plan.json")
        try json.output.write(to: planFile, atomically: true, encoding: .utf8)
        let checked = try run(repositoryRoot.appendingPathComponent(".build-venv/bin/check-jsonschema").path,
                              ["--schemafile", repositoryRoot.appendingPathComponent("schemas/plan.schema.json").path, planFile.path])
        #expect(checked.status == 0, "\(checked.output)")

        // An endpoint these manifests do not monitor, or a what-if that would apply, is a usage error.
        let unknown = try plan(["--dry-run", "--assume-down", "web/192.0.2.99"])
        #expect(unknown.status == 64 && unknown.output.contains("such as web/127.0.0.10, web/127.0.0.20"), "\(unknown.output)")
        let applying = try plan(["--assume-down", "web/127.0.0.10"])
        #expect(applying.status == 64 && applying.output.contains("they go with --dry-run"), "\(applying.output)")
    }
}
