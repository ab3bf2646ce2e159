import Foundation
import SwitchyardTesting
import Testing

/// `switchyard import octodns` with octoDNS itself as the judge: static records imported and served
/// are what octoDNS's YamlProvider holds, record for record, as `octodns-compare` sees them through
/// octodns-bind's AXFR source; dynamic records become policies that validate and answer.
@Suite("Import from octoDNS")
struct ImportOctoDNSTests {
    static let switchyard = repositoryRoot.appendingPathComponent(".build/debug/switchyard").path
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Peers/octodns")

    @Test func staticRecordsServeWhatOctoDNSHolds() throws {
        let directory = try temporaryDirectory("import-octodns")
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("octodns")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("example.com.yaml"),
                                         to: source.appendingPathComponent("example.com.yaml"))
        let manifests = directory.appendingPathComponent("manifests")
        let imported = try run(Self.switchyard, ["import", "octodns", source.path, "--output", manifests.path])
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.output.contains("octodns.ignored of www.example.com. CNAME ignored"), "\(imported.output)")
        let manifestFile = manifests.appendingPathComponent("example.com.yaml")
        var manifest = try String(contentsOf: manifestFile, encoding: .utf8)
        #expect(try run(Self.switchyard, ["validate", manifests.path]).status == 0, "\(manifest)")

        // Served, with this host as a secondary so octodns-bind may transfer it.
        manifest = manifest.replacingOccurrences(of: "spec:\n", with: "spec:\n  secondaries: [{address: 127.0.0.1}]\n")
        try manifest.write(to: manifestFile, atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: manifests)
        defer { controller.stop() }
        let config = directory.appendingPathComponent("octodns.yaml")
        try """
            providers:
              yaml: {class: octodns.provider.yaml.YamlProvider, directory: \(source.path)}
              ours: {class: octodns_bind.AxfrSource, host: 127.0.0.1, port: \(controller.port)}
            zones:
              example.com.: {sources: [yaml], targets: []}
            """.write(to: config, atomically: true, encoding: .utf8)
        let compared = try run(repositoryRoot.appendingPathComponent(".build-venv/bin/octodns-compare").path,
                               ["--config-file", config.path, "--a", "yaml", "--b", "ours", "--zone", "example.com."], timeout: 60)
        #expect(compared.status == 0, "\(compared.output)")
        #expect(compared.output.contains("YamlProvider[yaml] populate:   found 12 records"), "\(compared.output)")
        #expect(compared.output.contains("AxfrSource[ours] populate:   found 12 records"), "\(compared.output)")
        // No change between the two: octodns-compare prints the list of changes last.
        #expect(compared.output.split(separator: "\n").last == "[]", "\(compared.output)")
    }

    @Test func dynamicRecordsBecomePoliciesThatAnswer() throws {
        let directory = try temporaryDirectory("import-octodns-dynamic")
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifests = directory.appendingPathComponent("manifests")
        let source = directory.appendingPathComponent("octodns")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("dynamic.test.yaml"),
                                         to: source.appendingPathComponent("dynamic.test.yaml"))
        let imported = try run(Self.switchyard, ["import", "octodns", source.path, "--output", manifests.path])
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.output.contains("dynamic A odd.dynamic.test. imported as its static values"), "\(imported.output)")
        let policies = try String(contentsOf: manifests.appendingPathComponent("dynamic.test.policies.yaml"), encoding: .utf8)
        for kind in ["WeightedPolicy", "FailoverPolicy", "GeoPolicy", "Monitor"] {
            #expect(policies.contains("kind: \(kind)"), "\(policies)")
        }
        #expect(policies.contains("protocol: http\n  port: 8080\n  path: '/health'"), "the healthcheck became the monitor:\n\(policies)")
        #expect(try run(Self.switchyard, ["validate", manifests.path]).status == 0)

        // Nothing answers the monitors here, so every policy is in failsafe: as if all were up.
        let controller = try ControllerProcess(manifests: manifests)
        defer { controller.stop() }
        #expect(try dig(["+short", "fo.dynamic.test", "A"], port: controller.port).raw.contains("192.0.2.20"))
        let picked = try dig(["+short", "pool.dynamic.test", "A"], port: controller.port).raw.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(["192.0.2.10", "192.0.2.11"].contains(picked), "\(picked)")
        #expect(try dig(["+short", "+subnet=10.20.5.0/24", "geo.dynamic.test", "A"], port: controller.port).raw.contains("192.0.2.32"))
        #expect(try dig(["+short", "+subnet=198.51.100.0/24", "geo.dynamic.test", "A"], port: controller.port).raw.contains("192.0.2.33"))
        #expect(try dig(["+short", "odd.dynamic.test", "A"], port: controller.port).raw.contains("192.0.2.40"))
    }

    @Test func aBrokenZoneSaysWhere() throws {
        let directory = try temporaryDirectory("import-octodns-broken")
        defer { try? FileManager.default.removeItem(at: directory) }
        try "---\nwww:\n  type: A\n  ttl: soon\n  value: 192.0.2.1\n".write(to: directory.appendingPathComponent("broken.test.yaml"),
                                                                            atomically: true, encoding: .utf8)
        let result = try run(Self.switchyard, ["import", "octodns", directory.path, "--output", directory.appendingPathComponent("out").path])
        #expect(result.status == 1 && result.output.contains("broken.test.yaml:4:8: ttl is a number of seconds"), "\(result.output)")
    }
}
