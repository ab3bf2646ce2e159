import Foundation
import SwitchyardTesting
import Testing

/// `switchyard controller` on a free loopback port, queried with the real `dig`.
@Suite("DNS over the wire, with dig")
struct DigQueryTests {
    static let bigTexts = (0..<8).map { String(repeating: String(UnicodeScalar(UInt8(97 + $0))), count: 250) }
    static let zone = """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: example.com}
        spec:
          ttl: 3600
          soa: {primary: ns1, contact: hostmaster, negativeTtl: 300}
          nameservers: [ns1, ns2]
          records:
            - {name: ns1, type: A, values: [192.0.2.53]}
            - {name: ns2, type: A, values: [192.0.2.54]}
            - {name: www, type: A, ttl: 300, values: [192.0.2.1, 192.0.2.2]}
            - {name: alias, type: CNAME, values: [www]}
            - {name: chain, type: CNAME, values: [alias]}
            - {name: sub, type: NS, values: [ns.sub]}
            - {name: ns.sub, type: A, values: [192.0.2.99]}
            - {name: "*.wild", type: A, values: [192.0.2.77]}
            - {name: big, type: TXT, values: [\(bigTexts.joined(separator: ", "))]}
        """

    struct Case: Sendable {
        let arguments: [String]
        let status: String
        let flags: Set<String>
        let answer: [String]
        let authority: [String]
        let additional: [String]

        init(_ arguments: [String], _ status: String = "NOERROR", flags: Set<String> = ["qr", "aa"], answer: [String] = [],
             authority: [String] = [], additional: [String] = []) {
            self.arguments = arguments
            self.status = status
            self.flags = flags
            self.answer = answer
            self.authority = authority
            self.additional = additional
        }
    }

    static let soa = "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com."
    static let www = ["www.example.com. 300 IN A 192.0.2.1", "www.example.com. 300 IN A 192.0.2.2"]

    static let cases: [Case] = [
        Case(["www.example.com", "A"], answer: www),
        Case(["WwW.ExAmPlE.cOm", "A"], answer: ["WwW.ExAmPlE.cOm. 300 IN A 192.0.2.1", "WwW.ExAmPlE.cOm. 300 IN A 192.0.2.2"]),
        Case(["nope.example.com", "A"], "NXDOMAIN", authority: [soa]),
        Case(["www.example.com", "AAAA"], authority: [soa]),
        Case(["chain.example.com", "A"], answer: ["chain.example.com. 3600 IN CNAME alias.example.com.",
                                                  "alias.example.com. 3600 IN CNAME www.example.com."] + www),
        Case(["host.sub.example.com", "A"], flags: ["qr"], authority: ["sub.example.com. 3600 IN NS ns.sub.example.com."],
             additional: ["ns.sub.example.com. 3600 IN A 192.0.2.99"]),
        Case(["x.wild.example.com", "A"], answer: ["x.wild.example.com. 3600 IN A 192.0.2.77"]),
        Case(["example.com", "ANY"], answer: ["example.com. 3600 IN NS ns1.example.com.", "example.com. 3600 IN NS ns2.example.com."]),
        Case(["www.example.net", "A"], "REFUSED", flags: ["qr"]),
        Case(["www.example.com", "A", "+edns=1", "+noednsnegotiation"], "BADVERS", flags: ["qr"]),
        Case(["www.example.com", "A", "+tcp"], answer: www),
        Case(["www.example.com", "A", "+noedns"], answer: www),
    ]

    @Test func answersAsExpected() throws {
        let directory = try temporaryDirectory("dig")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.zone.write(to: directory.appendingPathComponent("zone.yaml"), atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: directory)
        defer { controller.stop() }

        for expected in Self.cases {
            let result = try dig(expected.arguments, port: controller.port)
            let label = expected.arguments.joined(separator: " ")
            #expect(result.status == expected.status, "\(label)\n\(result)")
            #expect(result.flags == expected.flags, "\(label)")
            #expect(result.answer == expected.answer, "\(label)")
            // The SOA's serial is the clock's, so negative answers are compared up to it.
            #expect(result.authority.map { $0.hasPrefix(Self.soa) ? Self.soa : $0 } == expected.authority, "\(label)")
            #expect(result.additional == expected.additional, "\(label)")
        }

        // EDNS: the answer carries OPT with our payload size, whatever the client offered.
        #expect(try dig(["www.example.com", "A", "+bufsize=4096"], port: controller.port).edns == "; EDNS: version: 0, flags:; udp: 1232")

        // A TXT set larger than any UDP payload: truncated over UDP, whole over TCP.
        let udp = try dig(["big.example.com", "TXT", "+ignore", "+bufsize=1232"], port: controller.port)
        #expect(udp.flags.contains("tc"), "\(udp)")
        #expect(udp.answer.isEmpty)
        let tcp = try dig(["big.example.com", "TXT", "+tcp"], port: controller.port)
        #expect(!tcp.flags.contains("tc"))
        #expect(tcp.answer.count == 8)
        // dig's default falls back to TCP on TC by itself.
        #expect(try dig(["big.example.com", "TXT"], port: controller.port).answer.count == 8)
    }

    @Test func ipv6() throws {
        let directory = try temporaryDirectory("dig6")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.zone.write(to: directory.appendingPathComponent("zone.yaml"), atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: directory, listen: "[::1]:0")
        defer { controller.stop() }
        #expect(try dig(["www.example.com", "A"], server: "::1", port: controller.port).answer == Self.www)
        #expect(try dig(["www.example.com", "A", "+tcp"], server: "::1", port: controller.port).answer == Self.www)
    }
}
