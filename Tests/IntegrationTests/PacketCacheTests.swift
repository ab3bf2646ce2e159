import Foundation
import SwitchyardTesting
import Testing

/// The per-event-loop packet cache: repeated queries get their own IDs, and a new config is served at
/// once, never an answer cached from the old one.
@Suite("Packet cache")
struct PacketCacheTests {
    static func zone(_ address: String) -> String {
        """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: example.com}
        spec: {ttl: 3600, soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1, ns2],
               records: [{name: www, type: A, ttl: 60, values: [\(address)]}]}
        """
    }

    @Test func repeatedQueriesAndChangesAreAnsweredRight() throws {
        let directory = try temporaryDirectory("cache")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("zone.yaml")
        try Self.zone("192.0.2.1").write(to: file, atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: directory, interval: "200ms")
        defer { controller.stop() }

        // dig checks that each response carries its query's ID; ten in a row hit the cache.
        for _ in 0..<10 {
            let result = try dig(["www.example.com", "A"], port: controller.port)
            #expect(result.answer == ["www.example.com. 60 IN A 192.0.2.1"], "\(result)")
            #expect(!result.raw.contains("ID mismatch"))
        }
        try Self.zone("192.0.2.2").write(to: file, atomically: true, encoding: .utf8)
        let deadline = Date().addingTimeInterval(10)
        var answer: [String] = []
        while Date() < deadline {
            answer = try dig(["www.example.com", "A"], port: controller.port).answer
            if answer == ["www.example.com. 60 IN A 192.0.2.2"] { break }
            usleep(100_000)
        }
        #expect(answer == ["www.example.com. 60 IN A 192.0.2.2"])
        // Once the new snapshot is served, the old answer never comes back from a cache.
        for _ in 0..<10 {
            #expect(try dig(["www.example.com", "A"], port: controller.port).answer == ["www.example.com. 60 IN A 192.0.2.2"])
        }
    }
}
