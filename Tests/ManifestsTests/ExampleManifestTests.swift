import DNSWire
import Foundation
import Model
import Testing
@testable import Manifests

/// The example manifests in manifests/ are valid and compile to exactly what they say.
@Suite("Example manifests")
struct ExampleManifestTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func compileExamples(_ directory: String = "manifests", files: Int = 9) throws -> DesiredState {
        let (sources, problems) = ManifestFiles.read([Self.root.appendingPathComponent(directory).path])
        #expect(problems.isEmpty)
        #expect(sources.count == files)
        let result = ManifestCompiler.compile(sources)
        #expect(result.diagnostics.map(\.description) == [])
        return try #require(result.state)
    }

    @Test func zone() throws {
        let zone = try #require(try compileExamples().zones.first)
        #expect(zone.origin == (try Name("example.com.")))
        #expect(zone.ttl == 3600)
        #expect(zone.soa.contact.description == "hostmaster.example.com.")
        #expect(zone.soa.negativeTTL == 300)
        #expect(zone.nameservers.map(\.description) == ["ns1.example.com.", "ns2.example.com."])
        #expect(zone.secondaries.isEmpty, "the demo has no secondaries; examples/secondaries has")
        let records = Dictionary(uniqueKeysWithValues: zone.records.map { ("\($0.owner.relativeDescription(to: zone.origin)) \($0.type)", $0) })
        #expect(records["@ MX"]?.data.map(\.description) == ["10 mail1.example.com.", "20 mail2.example.com."])
        // A TXT value is one text, semicolons and spaces included, not zone-file tokens.
        #expect(records["@ TXT"]?.data.map(\.description) == ["\"v=spf1 mx include:_spf.mail.example.net -all\""])
        #expect(records["_dmarc TXT"]?.data.map(\.description) == ["\"v=DMARC1; p=reject; rua=mailto:dmarc@example.com\""])
        #expect(records["@ CAA"]?.data.count == 2)
        #expect(records["ns1 A"]?.ttl == 86400)
        #expect(records["mail1 A"]?.ttl == 3600)
        #expect(records["_imaps._tcp SRV"]?.data.map(\.description) == ["0 1 993 mail1.example.com."])
        #expect(records["docs CNAME"]?.data.map(\.description) == ["docs.example.net."])
        #expect(zone.records.count == 10)
    }

    @Test func secondariesAndCatalog() throws {
        let state = try compileExamples("examples/secondaries", files: 2)
        let zone = try #require(state.zones.first)
        // A key given by name alone: HMAC-SHA256, its secret in SWITCHYARD_TSIG_XFR.
        let xfr = TSIGKey(name: try Name("xfr."), algorithm: .hmacSHA256, secret: .environment("SWITCHYARD_TSIG_XFR"))
        #expect(zone.secondaries == [Secondary(address: IPAddress("127.0.0.1")!, port: 5301, tsigKey: xfr),
                                     Secondary(address: IPAddress("::1")!, port: 5302)])
        let catalog = try #require(state.catalogs.first)
        #expect(state.catalogs.count == 1)
        #expect(catalog.origin == (try Name("catalog.switchyard.invalid.")))
        #expect(catalog.members == .all && catalog.memberZones(of: state.zones).map(\.name) == ["example.net"])
        #expect(catalog.secondaries.map(\.description) == ["127.0.0.1:5301 key xfr. (hmac-sha256, env:SWITCHYARD_TSIG_XFR)"])
    }

    @Test func signedZone() throws {
        let state = try compileExamples("examples/dnssec", files: 1)
        let zone = try #require(state.zones.first)
        #expect(zone.dnssec == ZoneSigning(algorithm: .ecdsap256sha256))
        #expect(zone.records.contains { $0.type == .ds && $0.owner == (try? Name("shop.example.org.")) })
    }

    @Test func monitorsAndNotifier() throws {
        let state = try compileExamples()
        #expect(state.monitors.map(\.name) == ["api", "echo", "smtp", "web"])
        let web = try #require(state.monitors.first { $0.name == "web" })
        #expect(web.protocol == .https)
        #expect(web.host == "www.example.com")
        #expect(web.expectStatus == [.range(2)])
        #expect(web.interval == .seconds(10) && web.timeout == .seconds(2))
        #expect(web.port == 8443 && web.caFile == ".switchyard/demo/ca.pem")
        #expect(state.monitors.first { $0.name == "api" }?.expectStatus == [.code(200), .code(204)])
        #expect(state.monitors.first { $0.name == "echo" }?.send == Array("ping".utf8))
        #expect(state.monitors.first { $0.name == "smtp" }?.port == 25)

        let oncall = try #require(state.notifiers.first)
        #expect(oncall.events == Set(Notifier.Event.allCases))
        #expect(oncall.email?.password == .environment("SMTP_PASSWORD"))
        #expect(oncall.email?.startTLS == .optional)
        #expect(oncall.webhook?.secret == .environment("WEBHOOK_SECRET"))
        #expect(oncall.webhook?.headers == [Notifier.Header(name: "X-Team", value: "sre")])
    }

    @Test func policies() throws {
        let state = try compileExamples()
        let www = try #require(state.failoverPolicies.first)
        #expect(www.target == PolicyTarget(zone: "example.com", owner: try Name("www.example.com."), type: .a, ttl: 60))
        #expect(www.tiers.map(\.name) == ["primary", "secondary"])
        #expect(www.tiers[1].endpoints.map(\.isEnabled) == [true, false])
        #expect(www.tiers.flatMap(\.endpoints).allSatisfy { $0.monitor == "web" })
        #expect(www.notify == ["oncall"])

        let api = try #require(state.weightedPolicies.first)
        #expect(api.endpoints.map(\.weight) == [90, 10, 0])
        #expect(api.answers == 1)

        let geo = try #require(state.geoPolicies.first)
        #expect(geo.networks.map(\.name) == ["office"])
        #expect(geo.networks[0].prefixes.map(\.description) == ["10.20.0.0/16", "2001:db8:20::/48"])
        #expect(geo.regions.map(\.name) == ["office", "europe", "default"])
        #expect(geo.regions[1].countries == ["NO", "CH"])
        #expect(geo.regions[1].answer == .use(PolicyID(.failover, "www")))
        #expect(geo.regions[2].isDefault)
    }

    @Test func scalarsAreReadByTheTypeOfTheirField() throws {
        let text = """
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.com}
            spec:
              ttl: 300
              soa: {primary: ns1, contact: hostmaster}
              nameservers: [ns1, ns2]
              records:
                - {name: version, type: TXT, values: [1.10]}
                - {name: "on", type: TXT, values: [on, NO, true]}
            ---
            apiVersion: switchyard.io/v1
            kind: GeoPolicy
            metadata: {name: geo}
            spec:
              zone: example.com
              name: geo
              type: A
              regions:
                - {name: on, match: {countries: [NO]}, endpoints: [192.0.2.1]}
                - {name: default, default: true, endpoints: [192.0.2.2]}
            """
        let result = ManifestCompiler.compile([ManifestSource(path: "inline.yaml", text: text)])
        #expect(result.diagnostics.map(\.description) == [])
        let state = try #require(result.state)
        #expect(state.geoPolicies[0].regions[0].name == "on")
        #expect(state.geoPolicies[0].regions[0].countries == ["NO"])
        let txt = state.zones[0].records.map { $0.data.map(\.description) }
        #expect(txt.contains(["\"1.10\""]))
        #expect(txt.contains(["\"on\"", "\"NO\"", "\"true\""]))
        #expect(result.documentCount == 2 && result.fileCount == 1)
    }

    @Test func filesAreFoundRecursivelyInByteOrder() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-files-\(getpid())")
        defer { try? FileManager.default.removeItem(at: base) }
        for path in ["b.yaml", "a/z.yml", "a/B.yaml", ".hidden/x.yaml", "notes.txt"] {
            let url = base.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x: 1\n".utf8).write(to: url)
        }
        let (sources, problems) = ManifestFiles.read([base.path, base.appendingPathComponent("missing").path])
        #expect(sources.map { String($0.path.dropFirst(base.path.count + 1)) } == ["a/B.yaml", "a/z.yml", "b.yaml"])
        #expect(problems.map(\.description) == ["\(base.path)/missing: error: no such file or directory; give a manifest file or a directory of them"])
    }
}
