import Foundation
import SwitchyardTesting
import Testing

/// A real BIND 9 as secondary of a zone Switchyard serves: it transfers the zone, answers as Switchyard
/// does, and follows a manifest change after NOTIFY.
@Suite("BIND as a secondary")
struct BINDSecondaryTests {
    static func zone(secondaryPort: Int, www: String) -> String {
        """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: example.com}
        spec:
          ttl: 3600
          soa: {primary: ns1, contact: hostmaster, refresh: 3600, retry: 60, negativeTtl: 300}
          nameservers: [ns1, ns2]
          secondaries: [{address: "127.0.0.1:\(secondaryPort)"}]
          records:
            - {name: ns1, type: A, values: [192.0.2.53]}
            - {name: ns2, type: AAAA, values: ["2001:db8::53"]}
            - {name: www, type: A, ttl: 300, values: [\(www)]}
            - {name: "@", type: MX, values: ["10 mail"]}
            - {name: mail, type: A, values: [192.0.2.25]}
            - {name: "@", type: TXT, values: ["v=spf1 mx -all"]}
            - {name: "@", type: CAA, values: ['0 issue "letsencrypt.org"']}
            - {name: alias, type: CNAME, values: [www]}
            - {name: _sip._tcp, type: SRV, values: ["0 1 5060 www"]}
            - {name: sub, type: NS, values: [ns.sub]}
            - {name: ns.sub, type: A, values: [192.0.2.99]}
            - {name: "*.wild", type: TXT, values: [wildcard]}
        """
    }

    @Test func transfersAnswersAlikeAndFollowsChanges() throws {
        let bindPort = try freeLoopbackPort()
        let manifests = try temporaryDirectory("bind-manifests")
        defer { try? FileManager.default.removeItem(at: manifests) }
        let file = manifests.appendingPathComponent("zone.yaml")
        try Self.zone(secondaryPort: bindPort, www: "192.0.2.1").write(to: file, atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: manifests)
        defer { controller.stop() }
        let bind = try BINDServer(zone: "example.com", primaryPort: controller.port, port: bindPort)
        defer { bind.stop() }

        let transferred = try waitUntil(seconds: 20) {
            try dig(["www.example.com", "A"], port: bindPort).answer == ["www.example.com. 300 IN A 192.0.2.1"]
        }
        #expect(transferred, "BIND did not load the zone:\n\(bind.logText)")
        guard transferred else { return }

        // Static queries: BIND (minimal-responses) and Switchyard give the same status and sections.
        for query in [["www.example.com", "A"], ["example.com", "MX"], ["example.com", "TXT"], ["example.com", "CAA"],
                      ["alias.example.com", "A"], ["_sip._tcp.example.com", "SRV"], ["nope.example.com", "A"],
                      ["www.example.com", "AAAA"], ["x.wild.example.com", "TXT"], ["example.com", "SOA"],
                      ["example.com", "NS"], ["host.sub.example.com", "A"]] {
            let ours = try dig(query, port: controller.port)
            let theirs = try dig(query, port: bindPort)
            let label = query.joined(separator: " ")
            // An RRset has no order (BIND rotates them), so sections are compared as sets of records.
            #expect(ours.status == theirs.status, "\(label)")
            #expect(ours.answer.sorted() == theirs.answer.sorted(), "\(label)\nours:\n\(ours)\nBIND:\n\(theirs)")
            #expect(ours.authority.sorted() == theirs.authority.sorted(), "\(label)\nours:\n\(ours)\nBIND:\n\(theirs)")
        }

        // A manifest change: the controller picks it up, bumps the serial and NOTIFYs BIND, which transfers.
        try Self.zone(secondaryPort: bindPort, www: "192.0.2.111").write(to: file, atomically: true, encoding: .utf8)
        let changed = Date()
        let followed = try waitUntil(seconds: 10) {
            try dig(["www.example.com", "A"], port: bindPort).answer == ["www.example.com. 300 IN A 192.0.2.111"]
        }
        let elapsed = Date().timeIntervalSince(changed)
        #expect(followed, "BIND did not follow the change:\n\(bind.logText)")
        #expect(elapsed < 5, "BIND took \(elapsed) s to serve the change")
        print("BIND served the change \(String(format: "%.2f", elapsed)) s after the manifest was written")
    }
}
