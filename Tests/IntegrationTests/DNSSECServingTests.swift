import Foundation
import SwitchyardTesting
import Testing

/// A signed zone served by the real binary, checked by a validating resolver (unbound, the zone's DNSKEY
/// as its trust anchor, a stub zone to our server): static, failover (before and after a flip), geo (by
/// Client Subnet) and weighted answers validate (AD), so do NXDOMAIN and NODATA by compact denial; with
/// a wrong key as the anchor everything is SERVFAIL. The key is kept across restarts, can come from
/// `dnssec-keygen`'s file, and its DS is what `dnssec-dsfromkey` makes of the DNSKEY we serve.
@Suite("DNSSEC, served and validated")
struct DNSSECServingTests {
    /// The signed zone the DNSSEC tests serve, with a failover, a weighted and a geo policy; with
    /// `secondaryPort`, a secondary on that loopback port.
    static func manifests(monitorPort: Int, dnssec: String = "{algorithm: ecdsap256sha256}", secondaryPort: Int? = nil) -> String {
        """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: example.test}
        spec:
          ttl: 3600
          soa: {primary: ns1, contact: hostmaster, refresh: 3600, retry: 60, negativeTtl: 300}
          nameservers: [ns1, ns2]
          secondaries: [\(secondaryPort.map { "{address: \"127.0.0.1:\($0)\"}" } ?? "")]
          dnssec: \(dnssec)
          records:
            - {name: ns1, type: A, values: [127.0.0.1]}
            - {name: ns2, type: A, values: [127.0.0.1]}
            - {name: static, type: A, values: [192.0.2.1, 192.0.2.2]}
            - {name: mail, type: MX, values: ["10 Mail.Example.Test."]}
            - {name: "*.wild", type: TXT, values: ["\\"any name\\""]}
            - {name: unsigned, type: NS, values: [ns.unsigned.example.test.]}
            - {name: ns.unsigned, type: A, values: [192.0.2.53]}
        ---
        apiVersion: switchyard.io/v1
        kind: Monitor
        metadata: {name: web}
        spec: {protocol: tcp, port: \(monitorPort), interval: 1s, timeout: 500ms, failureThreshold: 1, successThreshold: 1}
        ---
        apiVersion: switchyard.io/v1
        kind: FailoverPolicy
        metadata: {name: www}
        spec:
          zone: example.test
          name: www
          type: A
          ttl: 5
          monitor: web
          tiers: [{name: primary, endpoints: [127.0.0.1]}, {name: secondary, endpoints: [127.0.0.2]}]
        ---
        apiVersion: switchyard.io/v1
        kind: WeightedPolicy
        metadata: {name: pool}
        spec:
          zone: example.test
          name: pool
          type: A
          ttl: 60
          answers: 1
          endpoints: [{address: 192.0.2.31, weight: 1}, {address: 192.0.2.32, weight: 1}, {address: 192.0.2.33, weight: 1}]
        ---
        apiVersion: switchyard.io/v1
        kind: GeoPolicy
        metadata: {name: geo}
        spec:
          zone: example.test
          name: geo
          type: A
          ttl: 300
          networks: {office: [10.20.0.0/16]}
          regions:
            - {name: office, match: {networks: [office]}, endpoints: [192.0.2.16]}
            - {name: rest, default: true, endpoints: [192.0.2.1]}
        """
    }

    static func switchyard(_ arguments: [String], controller: ControllerProcess) throws -> (status: Int32, output: String) {
        try run(repositoryRoot.appendingPathComponent(".build/debug/switchyard").path,
                arguments + ["--server", controller.adminURL, "--data-dir", controller.dataDirectory.path])
    }

    /// The DNSKEY RDATA our server publishes (`257 3 13 …`).
    static func dnskey(port: Int) throws -> String {
        let answer = try dig(["example.test", "DNSKEY", "+short"], port: port).raw
        return try #require(answer.split(separator: "\n").first { $0.hasPrefix("257 3 ") }).description
    }

    /// A validated answer: NOERROR or NXDOMAIN with AD.
    static func validated(_ result: DigResult) -> Bool {
        result.flags.contains("ad") && (result.status == "NOERROR" || result.status == "NXDOMAIN")
    }

    @Test func answersValidateThroughUnboundBeforeAndAfterAFailover() throws {
        let port = try freeLoopbackPort()
        let primary = try ProbePeer(.tcp, host: "127.0.0.1", port: port)
        let secondary = try ProbePeer(.tcp, host: "127.0.0.2", port: port)
        defer { primary.stop(); secondary.stop() }
        let directory = try temporaryDirectory("dnssec")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.manifests(monitorPort: port).write(to: directory.appendingPathComponent("zone.yaml"), atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: directory)
        defer { controller.stop() }
        #expect(controller.waitForLog(containing: ["endpoint health", "endpoint=127.0.0.1", "to=up"]), "\(controller.log)")

        // The key generated on first apply: 0600 in the data directory, published at the apex with CDS and
        // CDNSKEY, and its DS (from the CLI) what BIND's dnssec-dsfromkey makes of the DNSKEY served.
        let keyFile = controller.dataDirectory.appendingPathComponent("dnssec/example.test+013.private")
        let mode = try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let dnskey = try Self.dnskey(port: controller.port)
        let cdnskey = try dig(["example.test", "CDNSKEY", "+short"], port: controller.port).raw
        #expect(cdnskey.trimmingCharacters(in: .whitespacesAndNewlines) == dnskey)
        let keyRecord = directory.appendingPathComponent("example.test.dnskey")
        try "example.test. 3600 IN DNSKEY \(dnskey)\n".write(to: keyRecord, atomically: true, encoding: .utf8)
        let bind = try run("dnssec-dsfromkey", ["-2", "-f", keyRecord.path, "example.test"])
        #expect(bind.status == 0, "\(bind.output)")
        let ours = try Self.switchyard(["dnssec", "ds", "example.test"], controller: controller)
        #expect(ours.status == 0, "\(ours.output)")
        /// Key tag, algorithm, digest type and digest (which dig splits in two), upper-cased.
        func dsFields(_ rdata: some StringProtocol) -> [String] {
            let fields = rdata.split(whereSeparator: \.isWhitespace).map { $0.uppercased() }
            return fields.count < 4 ? [] : Array(fields.prefix(3)) + [fields.dropFirst(3).joined()]
        }
        func dsRecord(_ text: String) -> [String] {
            guard let line = text.split(separator: "\n").first(where: { $0.contains(" DS ") }),
                  let range = line.range(of: " DS ") else { return [] }
            return dsFields(line[range.upperBound...])
        }
        #expect(!dsRecord(ours.output).isEmpty && dsRecord(ours.output) == dsRecord(bind.output), "ours: \(ours.output) BIND: \(bind.output)")
        let cds = try dig(["example.test", "CDS", "+short"], port: controller.port).raw
        #expect(dsFields(cds) == dsRecord(ours.output), "CDS: \(cds)")

        // Without DO: no DNSSEC records. With DO: an RRSIG after the RRset.
        let plain = try dig(["static.example.test", "A"], port: controller.port)
        #expect(plain.answer.count == 2)
        let signed = try dig(["static.example.test", "A", "+dnssec"], port: controller.port)
        #expect(signed.answer.count == 3 && signed.answer.last?.contains("RRSIG\tA 13 3 3600") == true
                    || signed.answer.last?.contains(" RRSIG A 13 3 3600 ") == true, "\(signed)")
        // NXNAME is never a question (RFC 9824 §3.5).
        #expect(try dig(["static.example.test", "TYPE128"], port: controller.port).status == "FORMERR")

        let resolver = try UnboundResolver(stubs: [("example.test", controller.port)], port: try freeLoopbackPort(),
                                           trustAnchors: ["example.test. DNSKEY \(dnskey)"])
        defer { resolver.stop() }
        func ask(_ arguments: [String]) -> DigResult? { try? dig(arguments + ["+rec", "+dnssec"], port: resolver.port) }
        #expect(waitUntil(seconds: 10, every: 0.2) { ask(["static.example.test", "A"]).map(Self.validated) == true },
                "unbound: \(resolver.logText)")

        let cases: [(String, [String], (DigResult) -> Bool)] = [
            ("static", ["static.example.test", "A"], { $0.answer.contains { $0.hasSuffix("192.0.2.2") } }),
            ("mixed-case MX target", ["mail.example.test", "MX"], { $0.answer.contains { $0.lowercased().contains("mail.example.test.") } }),
            ("wildcard", ["anything.wild.example.test", "TXT"], { $0.answer.contains { $0.contains("any name") } }),
            ("failover", ["www.example.test", "A"], { $0.answer.contains { $0.hasSuffix("127.0.0.1") } }),
            ("weighted", ["pool.example.test", "A"], { $0.answer.contains { $0.contains("192.0.2.3") } }),
            ("geo, office", ["geo.example.test", "A", "+subnet=10.20.1.0/24"], { $0.answer.contains { $0.hasSuffix("192.0.2.16") } }),
            ("geo, elsewhere", ["geo.example.test", "A", "+subnet=198.51.100.0/24"], { $0.answer.contains { $0.hasSuffix("192.0.2.1") } }),
            ("NXDOMAIN (compact: NOERROR, NXNAME)", ["missing.example.test", "A"], { $0.answer.isEmpty && $0.authority.contains { $0.contains("NSEC") } }),
            ("NODATA", ["static.example.test", "AAAA"], { $0.answer.isEmpty }),
            ("NODATA at a policy", ["www.example.test", "TXT"], { $0.answer.isEmpty }),
            ("empty non-terminal", ["wild.example.test", "A"], { $0.answer.isEmpty }),
            ("DNSKEY", ["example.test", "DNSKEY"], { $0.answer.contains { $0.contains("DNSKEY") } }),
            ("no DS for the unsigned child", ["unsigned.example.test", "DS"], { $0.answer.isEmpty }),
        ]
        for (what, question, check) in cases {
            let result = ask(question)
            #expect(result.map { Self.validated($0) && check($0) } == true, "\(what): \(result?.raw ?? "no answer") \(resolver.logText)")
        }

        // A failover: the secondary's answer validates too (a new RRset, signed when first asked).
        primary.stop()
        #expect(waitUntil(seconds: 20, every: 0.2) {
            (try? dig(["www.example.test", "A"], port: controller.port))?.answer.contains { $0.hasSuffix("127.0.0.2") } == true
        }, "\(controller.log)")
        #expect(waitUntil(seconds: 20, every: 0.5) {
            ask(["www.example.test", "A"]).map { Self.validated($0) && $0.answer.contains { $0.hasSuffix("127.0.0.2") } } == true
        }, "after failover: \(ask(["www.example.test", "A"])?.raw ?? "no answer") \(resolver.logText)")

        // The wrong key as the anchor: nothing validates.
        let wrongKey = try #require(try run("dnssec-keygen", ["-q", "-a", "ECDSAP256SHA256", "-f", "KSK", "-K", directory.path, "example.test"])
            .output.split(separator: "\n").last.map(String.init))
        let wrongRecord = try String(contentsOf: directory.appendingPathComponent("\(wrongKey).key"), encoding: .utf8)
            .split(separator: "\n").first { !$0.hasPrefix(";") }.map(String.init) ?? ""
        let tampered = try UnboundResolver(stubs: [("example.test", controller.port)], port: try freeLoopbackPort(),
                                           trustAnchors: [wrongRecord.replacingOccurrences(of: "\t", with: " ")])
        defer { tampered.stop() }
        let refused = try dig(["static.example.test", "A", "+rec"], port: tampered.port)
        #expect(refused.status == "SERVFAIL", "\(refused)")

        // Signatures made are counted; none was refused for the budget.
        let metrics = try run("curl", ["-s", controller.adminURL + "/metrics"]).output.split(separator: "\n")
        func count(_ outcome: String) -> Double? {
            metrics.first { $0.hasPrefix("switchyard_dnssec_signatures_total{outcome=\"\(outcome)\"}") }
                .flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        #expect((count("made") ?? 0) > 10 && count("refused") == 0, "\(metrics.filter { $0.contains("dnssec") })")
    }

    @Test func theKeyIsKeptAcrossRestartsOrReadFromABindKeyFile() throws {
        let directory = try temporaryDirectory("dnssec-keys")
        let data = try temporaryDirectory("dnssec-keys-data")
        defer { for path in [directory, data] { try? FileManager.default.removeItem(at: path) } }
        let file = directory.appendingPathComponent("zone.yaml")
        try Self.manifests(monitorPort: 9).write(to: file, atomically: true, encoding: .utf8)

        var controller = try ControllerProcess(manifests: directory, dataDirectory: data)
        let first = try Self.dnskey(port: controller.port)
        controller.stop()
        controller = try ControllerProcess(manifests: directory, dataDirectory: data)
        #expect(try Self.dnskey(port: controller.port) == first, "the generated key is kept")
        controller.stop()

        // A key made by dnssec-keygen: served as made, its tag the one in BIND's file name.
        let keys = try temporaryDirectory("dnssec-bind-key")
        defer { try? FileManager.default.removeItem(at: keys) }
        let made = try run("dnssec-keygen", ["-q", "-a", "ECDSAP256SHA256", "-f", "KSK", "-K", keys.path, "example.test"])
        let base = try #require(made.output.split(separator: "\n").last.map(String.init), "\(made.output)")
        let tag = try #require(base.split(separator: "+").last.flatMap { Int($0) })
        let publicKey = try String(contentsOf: keys.appendingPathComponent("\(base).key"), encoding: .utf8)
            .split(separator: "\n").first { !$0.hasPrefix(";") }.map { $0.split(whereSeparator: \.isWhitespace).suffix(1).joined() } ?? ""
        try Self.manifests(monitorPort: 9, dnssec: "{algorithm: ecdsap256sha256, keyFrom: \"file:\(keys.path)/\(base).private\"}")
            .write(to: file, atomically: true, encoding: .utf8)
        controller = try ControllerProcess(manifests: directory, dataDirectory: data)
        defer { controller.stop() }
        // A new key breaks validation until the parent has its DS: refused unless forced.
        let refused = try Self.switchyard(["reconcile", "--manifests", directory.path], controller: controller)
        #expect(refused.status == 1 && refused.output.contains("changes the signing key of example.test (ecdsap256sha256, key kept by the controller → "),
                "\(refused.output)")
        #expect(try Self.dnskey(port: controller.port) == first)
        let forced = try Self.switchyard(["reconcile", "--manifests", directory.path, "--force"], controller: controller)
        #expect(forced.status == 0, "\(forced.output)")
        #expect(waitUntil(seconds: 10, every: 0.2) { (try? Self.dnskey(port: controller.port))?.hasSuffix(publicKey) == true },
                "\(controller.log)")
        let served = try dig(["static.example.test", "A", "+dnssec"], port: controller.port)
        #expect(served.answer.contains { $0.contains("RRSIG") && $0.contains(" \(tag) example.test.") }, "\(served)")

        // Other key material in the same file is not taken up silently: refused, the served key stays.
        let other = try run("dnssec-keygen", ["-q", "-a", "ECDSAP256SHA256", "-f", "KSK", "-K", keys.path, "example.test"])
        let otherBase = try #require(other.output.split(separator: "\n").last.map(String.init))
        try FileManager.default.removeItem(at: keys.appendingPathComponent("\(base).private"))
        try FileManager.default.copyItem(at: keys.appendingPathComponent("\(otherBase).private"), to: keys.appendingPathComponent("\(base).private"))
        #expect(controller.waitForLog(containing: ["changes the signing key of example.test (key 13/\(tag) → key 13/"]), "\(controller.log)")
        #expect(try Self.dnskey(port: controller.port).hasSuffix(publicKey))

        // A key file that cannot be read is an apply error naming the zone; what is served stays.
        try Self.manifests(monitorPort: 9, dnssec: "{keyFrom: \"file:\(keys.path)/missing.private\"}")
            .write(to: file, atomically: true, encoding: .utf8)
        #expect(controller.waitForLog(containing: ["Zone/example.test: spec.dnssec: cannot read the key file"]), "\(controller.log)")
        #expect(try Self.dnskey(port: controller.port).hasSuffix(publicKey))
    }
}
