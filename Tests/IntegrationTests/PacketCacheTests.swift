import DNSWire
import Foundation
import SwitchyardTesting
import Testing

/// The per-thread packet cache: repeated queries get their own IDs, a new config is served at once,
/// never an answer cached from the old one, and answers that vary by one policy's choice are kept per
/// choice without changing what each query gets.
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

    /// The same query bytes, asked 2,000 times, hit one cache entry: a 3:1 weighted policy still answers
    /// in proportion, and a geo policy still answers each client (by its source address) with its region.
    @Test func choicesAreKeptPerPickAndRegion() throws {
        let directory = try temporaryDirectory("cache-choices")
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.com}
            spec: {ttl: 3600, soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1, ns2], records: []}
            ---
            apiVersion: switchyard.io/v1
            kind: WeightedPolicy
            metadata: {name: wt}
            spec: {zone: example.com, name: wt, type: A, ttl: 60,
                   endpoints: [{address: 192.0.2.10, weight: 3}, {address: 192.0.2.11, weight: 1}]}
            ---
            apiVersion: switchyard.io/v1
            kind: GeoPolicy
            metadata: {name: geo}
            spec:
              zone: example.com
              name: geo
              type: A
              ttl: 60
              networks: {lab: [127.0.3.0/24]}
              regions:
                - {name: lab, match: {networks: [lab]}, endpoints: [10.3.0.1]}
                - {name: rest, default: true, endpoints: [203.0.113.10]}
            """.write(to: directory.appendingPathComponent("zone.yaml"), atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: directory)
        defer { controller.stop() }

        let client = try UDPClient(host: "127.0.0.1", port: controller.port)
        var query = Message.query(try Name("wt.example.com."), .a, edns: EDNS())
        var counts: [String: Int] = [:]
        for id in 0..<2000 {
            query.header.id = UInt16(id)
            let reply = try Message(wire: try #require(client.exchange(query.wireBytes())))
            #expect(reply.header.id == UInt16(id))
            for record in reply.answers { counts["\(record.data)", default: 0] += 1 }
        }
        // 1,500 expected; 1,380 and 1,620 lie more than six standard deviations (19.4) away.
        #expect(counts.values.reduce(0, +) == 2000, "\(counts)")
        #expect((1380...1620).contains(counts["192.0.2.10"] ?? 0), "\(counts)")

        // The same question from two addresses, in turns: each keeps getting its own region.
        for _ in 0..<5 {
            #expect(try dig(["-b", "127.0.3.1", "+short", "geo.example.com", "A"], port: controller.port).raw
                .trimmingCharacters(in: .whitespacesAndNewlines) == "10.3.0.1")
            #expect(try dig(["-b", "127.0.0.1", "+short", "geo.example.com", "A"], port: controller.port).raw
                .trimmingCharacters(in: .whitespacesAndNewlines) == "203.0.113.10")
        }
    }
}
