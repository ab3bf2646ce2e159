import Foundation
import SwitchyardTesting
import Testing

/// A signed zone handed to a standard secondary: BIND 9 transfers it (AXFR, then IXFR after a failover);
/// what BIND holds passes `ldns-verify-zone` and Knot's `kzonecheck -d on`, and BIND's answers validate
/// through unbound with the zone's DNSKEY as trust anchor. dnsviz finds no error in what our own server
/// answers, before and after the failover.
@Suite("DNSSEC, on secondaries")
struct DNSSECSecondaryTests {
    /// BIND's copy of the zone, as `dig AXFR` prints it, checked by ldns and Knot.
    static func verify(_ bindPort: Int, in directory: URL, label: String) throws {
        let zone = try run("dig", ["@127.0.0.1", "-p", "\(bindPort)", "example.test", "AXFR", "+onesoa", "+nocmd", "+nostats"])
        let file = directory.appendingPathComponent("axfr-\(label).zone")
        try zone.output.write(to: file, atomically: true, encoding: .utf8)
        #expect(zone.output.contains("RRSIG") && zone.output.contains("NSEC"), "\(label): \(zone.output)")
        let ldns = try run("ldns-verify-zone", [file.path])
        #expect(ldns.status == 0 && ldns.output.contains("Zone is verified and complete"), "\(label): ldns-verify-zone: \(ldns.output)")
        let knot = try run("kzonecheck", ["-o", "example.test", "-d", "on", file.path])
        #expect(knot.status == 0, "\(label): kzonecheck: \(knot.output)")
    }

    @Test func bindReceivesTheSignedZoneByIXFRAndItsAnswersValidate() throws {
        let monitorPort = try freeLoopbackPort()
        let bindPort = try freeLoopbackPort()
        let primary = try ProbePeer(.tcp, host: "127.0.0.1", port: monitorPort)
        let secondary = try ProbePeer(.tcp, host: "127.0.0.2", port: monitorPort)
        defer { primary.stop(); secondary.stop() }
        let directory = try temporaryDirectory("dnssec-secondary")
        defer { try? FileManager.default.removeItem(at: directory) }
        try DNSSECServingTests.manifests(monitorPort: monitorPort, secondaryPort: bindPort)
            .write(to: directory.appendingPathComponent("zone.yaml"), atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: directory)
        defer { controller.stop() }
        #expect(controller.waitForLog(containing: ["endpoint health", "endpoint=127.0.0.1", "to=up"]), "\(controller.log)")
        let bind = try BINDServer(zone: "example.test", primaryPort: controller.port, port: bindPort)
        defer { bind.stop() }
        let transferred = try waitUntil(seconds: 20) {
            try dig(["www.example.test", "A"], port: bindPort).answer.contains { $0.hasSuffix("127.0.0.1") }
        }
        #expect(transferred, "BIND did not load the zone:\n\(bind.logText)")
        guard transferred else { return }
        try Self.verify(bindPort, in: directory, label: "first")
        let dnskey = try DNSSECServingTests.dnskey(port: controller.port)

        let before = try DNSVizReport(zone: "example.test", names: ["www.example.test", "static.example.test", "geo.example.test"],
                                      port: controller.port, dnskey: dnskey)
        #expect(before.problems.isEmpty && before.statuses.contains("SECURE") && !before.statuses.contains("BOGUS"), "\(before)")

        // unbound resolving from BIND alone: the zone as transferred validates, denials by the NSEC chain.
        let resolver = try UnboundResolver(stubs: [("example.test", bindPort)], port: try freeLoopbackPort(),
                                           trustAnchors: ["example.test. DNSKEY \(dnskey)"])
        defer { resolver.stop() }
        func ask(_ arguments: [String]) -> DigResult? { try? dig(arguments + ["+rec", "+dnssec"], port: resolver.port) }
        #expect(waitUntil(seconds: 10, every: 0.2) { ask(["static.example.test", "A"]).map(DNSSECServingTests.validated) == true },
                "unbound: \(resolver.logText)")
        let cases: [(String, [String], (DigResult) -> Bool)] = [
            ("static", ["static.example.test", "A"], { $0.answer.contains { $0.hasSuffix("192.0.2.2") } }),
            ("wildcard", ["anything.wild.example.test", "TXT"], { $0.answer.contains { $0.contains("any name") } }),
            ("failover", ["www.example.test", "A"], { $0.answer.contains { $0.hasSuffix("127.0.0.1") } }),
            ("weighted: every healthy endpoint", ["pool.example.test", "A"], { $0.answer.filter { $0.contains("IN A") }.count == 3 }),
            ("geo: the default region", ["geo.example.test", "A"], { $0.answer.contains { $0.hasSuffix("192.0.2.1") } }),
            ("NXDOMAIN", ["missing.example.test", "A"], { $0.status == "NXDOMAIN" }),
            ("NODATA", ["static.example.test", "AAAA"], { $0.status == "NOERROR" && $0.answer.isEmpty }),
            ("NODATA at a policy", ["www.example.test", "TXT"], { $0.status == "NOERROR" && $0.answer.isEmpty }),
        ]
        for (what, question, check) in cases {
            let result = ask(question)
            #expect(result.map { DNSSECServingTests.validated($0) && check($0) } == true,
                    "\(what): \(result?.raw ?? "no answer") \(resolver.logText)")
        }

        // A failover: the new answer, its signature, the policy owner's NSEC and the SOA's signature go
        // to BIND by IXFR, and what BIND then holds verifies as before.
        primary.stop()
        let followed = try waitUntil(seconds: 20) {
            try dig(["www.example.test", "A"], port: bindPort).answer.contains { $0.hasSuffix("127.0.0.2") }
        }
        #expect(followed, "BIND did not follow the failover:\n\(bind.logText)\n\(controller.log)")
        #expect(controller.waitForLog(containing: ["zone transfer", "form=IXFR from"]), "\(controller.log)")
        try Self.verify(bindPort, in: directory, label: "after-failover")
        #expect(waitUntil(seconds: 20, every: 0.5) {
            ask(["www.example.test", "A"]).map { DNSSECServingTests.validated($0) && $0.answer.contains { $0.hasSuffix("127.0.0.2") } } == true
        }, "after failover, through BIND: \(ask(["www.example.test", "A"])?.raw ?? "no answer")")

        let after = try DNSVizReport(zone: "example.test", names: ["www.example.test", "static.example.test", "geo.example.test"],
                                     port: controller.port, dnskey: dnskey)
        #expect(after.problems.isEmpty && after.statuses.contains("SECURE") && !after.statuses.contains("BOGUS"), "\(after)")
    }
}
