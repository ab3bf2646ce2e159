import DNSWire
import Foundation
import SwitchyardTesting
import Testing

/// Response rate limiting against a real flood: one source address (127.0.1.1) sends 20,000 queries in
/// 2 s and gets no more than the rate allows plus every other dropped response truncated, while a
/// second source (127.0.2.1, another /24) asking ten times a second is answered every time.
@Suite("Response rate limiting")
struct RateLimitTests {
    /// A directory holding one zone with www.example.test A 192.0.2.10.
    static func zone(_ name: String) throws -> URL {
        let manifests = try temporaryDirectory(name)
        try """
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.test}
            spec: {ttl: 300, soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1, ns2],
                   records: [{name: www, type: A, values: [192.0.2.10]}]}
            """.write(to: manifests.appendingPathComponent("zone.yaml"), atomically: true, encoding: .utf8)
        return manifests
    }

    @Test func aFloodGetsTheRateAndSlipsWhileAnotherClientIsServed() throws {
        let manifests = try Self.zone("rrl")
        defer { try? FileManager.default.removeItem(at: manifests) }
        let rate = 20
        let controller = try ControllerProcess(manifests: manifests,
                                               extraArguments: ["--rrl-rate", "\(rate)", "--rrl-slip", "2", "--rrl-exempt", "none"])
        defer { controller.stop() }
        let result = try run("python3", [repositoryRoot.appendingPathComponent("Tests/Peers/udp_flood.py").path,
                                         "--port", "\(controller.port)", "--name", "www.example.test", "--count", "20000", "--seconds", "2"],
                             timeout: 30)
        let counts = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: [String: Int]],
                                  "the flood printed its counts: \(result.output)")
        let flood = try #require(counts["flood"]), polite = try #require(counts["polite"])
        // A full bucket, then the rate for the 2.5 s the flood and its stragglers last.
        #expect(flood["answered"]! <= rate + rate * 3, "flood answered: \(flood)")
        #expect(flood["sent"]! >= 10_000, "the flood was a flood: \(flood)")
        // Every other dropped response slips (a few may be lost in the socket buffers).
        let dropped = flood["sent"]! - flood["answered"]!
        #expect(flood["truncated"]! <= dropped / 2 + 1 && flood["truncated"]! >= dropped / 4, "slips: \(flood)")
        #expect(polite["answered"] == polite["sent"] && polite["truncated"] == 0, "the other client: \(polite)")
        let metrics = try run("curl", ["-s", controller.adminURL + "/metrics"]).output
        #expect(metrics.contains("switchyard_dns_rate_limited_total{action=\"dropped\"}"))
    }

    /// A client that presents a valid server cookie (RFC 7873) has proved it receives at its address: a
    /// flood of its queries is answered in full.
    @Test func aValidServerCookieIsNotLimited() throws {
        let manifests = try Self.zone("rrl-cookie")
        defer { try? FileManager.default.removeItem(at: manifests) }
        let controller = try ControllerProcess(manifests: manifests, extraArguments: ["--rrl-rate", "5", "--rrl-exempt", "none"])
        defer { controller.stop() }
        let result = try run("python3", [repositoryRoot.appendingPathComponent("Tests/Peers/udp_flood.py").path, "--cookie",
                                         "--port", "\(controller.port)", "--name", "www.example.test", "--count", "300", "--seconds", "1"],
                             timeout: 30)
        let counts = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], "\(result.output)")
        let flood = try #require(counts["flood"] as? [String: Int])
        #expect((counts["cookie"] as? String)?.count == 48, "a server cookie came back: \(counts)")
        #expect(flood["answered"] == flood["sent"] && flood["truncated"] == 0, "with a valid cookie nothing is limited: \(flood)")

        // A query with the cookie alone (no question) gets NOERROR and a server cookie dig accepts; a
        // COOKIE option of a length RFC 7873 does not allow gets FORMERR.
        let alone = try dig(["+cookie", "+header-only"], port: controller.port)
        #expect(alone.status == "NOERROR" && alone.raw.contains("(good)"), "\(alone)")
        var malformed = Message.query(try Name("www.example.test."), .a, edns: EDNS(options: [EDNSOption(code: .cookie, data: [1, 2, 3])]))
        malformed.header.id = 7
        let reply = try #require(try UDPClient(host: "127.0.0.1", port: controller.port).exchange(malformed.wireBytes()))
        #expect(try Message(wire: reply).rcode == .formatError)
    }

    /// The loopback networks are exempt unless told otherwise.
    @Test func loopbackIsExemptByDefault() throws {
        let manifests = try Self.zone("rrl-exempt")
        defer { try? FileManager.default.removeItem(at: manifests) }
        let controller = try ControllerProcess(manifests: manifests, extraArguments: ["--rrl-rate", "5"])
        defer { controller.stop() }
        let result = try run("python3", [repositoryRoot.appendingPathComponent("Tests/Peers/udp_flood.py").path,
                                         "--port", "\(controller.port)", "--name", "www.example.test", "--count", "200", "--seconds", "1"],
                             timeout: 30)
        let counts = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: [String: Int]])
        #expect(counts["flood"]?["truncated"] == 0 && counts["flood"]?["answered"] == counts["flood"]?["sent"], "\(counts)")
    }
}
