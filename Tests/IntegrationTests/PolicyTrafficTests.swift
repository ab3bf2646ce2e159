import Authority
import DNSWire
import Foundation
import Logging
import Manifests
import Model
import NIOPosix
import Server
import SwitchyardTesting
import Testing

/// Policies answered over the wire: geo regions by Client Subnet (dig), a weighted split measured over
/// 10,000 queries, and a failover that flips on the very next query after a health change.
@Suite("Policies over the wire")
struct PolicyTrafficTests {
    static let manifests = """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: example.com}
        spec: {ttl: 3600, soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1, ns2]}
        ---
        apiVersion: switchyard.io/v1
        kind: Monitor
        metadata: {name: web}
        spec: {protocol: http}
        ---
        apiVersion: switchyard.io/v1
        kind: FailoverPolicy
        metadata: {name: www}
        spec:
          zone: example.com
          name: www
          type: A
          ttl: 60
          monitor: web
          tiers: [{name: primary, endpoints: [127.0.0.1]}, {name: secondary, endpoints: [127.0.0.2]}]
        ---
        apiVersion: switchyard.io/v1
        kind: WeightedPolicy
        metadata: {name: api}
        spec:
          zone: example.com
          name: api
          type: A
          endpoints: [{address: 192.0.2.10, weight: 3}, {address: 192.0.2.11, weight: 1}]
        ---
        apiVersion: switchyard.io/v1
        kind: GeoPolicy
        metadata: {name: geo}
        spec:
          zone: example.com
          name: geo
          type: A
          networks: {office: [10.20.0.0/16, "2001:db8:20::/48"], lab: [10.20.5.0/24]}
          regions:
            - {name: office, match: {networks: [office]}, endpoints: [10.20.0.10]}
            - {name: lab, match: {networks: [lab]}, endpoints: [10.20.5.10]}
            - {name: rest, default: true, use: www}
        """

    @Test func geoRegionsAreReachedByClientSubnet() throws {
        let directory = try temporaryDirectory("geo")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.manifests.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: directory)
        defer { controller.stop() }
        // Scopes leave nested networks out (the office /16 holds the lab's /24, so 10.20.1.0 holds for its /22),
        // may be longer than the source prefix (a /16 source over the office: ask again with a longer one),
        // and cover the largest block without a named network for the default.
        for (subnet, address, scope) in [("10.20.1.0/24", "10.20.0.10", "22"), ("10.20.5.0/24", "10.20.5.10", "24"),
                                         ("10.20.0.0/16", "10.20.0.10", "22"), ("2001:db8:20:1::/64", "10.20.0.10", "48"),
                                         ("203.0.113.0/24", "127.0.0.1", "1")] {
            let result = try dig(["geo.example.com", "A", "+subnet=\(subnet)"], port: controller.port)
            #expect(result.answer == ["geo.example.com. 60 IN A \(address)"], "\(subnet)\n\(result)")
            #expect(result.raw.contains("; CLIENT-SUBNET: \(subnet)/\(scope)"), "\(subnet)\n\(result)")
        }
    }

    @Test func weightedSplitMatchesTheWeights() throws {
        let directory = try temporaryDirectory("weighted")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.manifests.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: directory)
        defer { controller.stop() }
        let client = try UDPClient(host: "127.0.0.1", port: controller.port)
        var counts: [String: Int] = [:]
        for id in 0..<10_000 {
            let query = try Message.query(try Name("api.example.com."), .a, id: UInt16(truncatingIfNeeded: id), edns: nil).wireBytes()
            guard let reply = client.exchange(query), let message = try? Message(wire: reply) else { continue }
            for record in message.answers { counts[record.data.description, default: 0] += 1 }
        }
        let heavy = Double(counts["192.0.2.10"] ?? 0)
        let light = Double(counts["192.0.2.11"] ?? 0)
        let total = heavy + light
        #expect(total > 9900, "\(counts)")
        // Chi-square with one degree of freedom against 3:1. 23.9 is p = 1e-6: a correct picker fails
        // once in a million runs, a uniform one scores about 3300.
        let chiSquare = pow(heavy - total * 0.75, 2) / (total * 0.75) + pow(light - total * 0.25, 2) / (total * 0.25)
        #expect(chiSquare < 23.9, "chi-square \(chiSquare) for \(counts)")
    }

    @Test func failoverFlipsOnTheVeryNextQuery() async throws {
        let state = try #require(ManifestCompiler.compile([ManifestSource(path: "p.yaml", text: Self.manifests)]).state)
        let snapshots = SnapshotReference(Snapshot.build(state, previous: nil, now: 1))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let server = DNSServer(configuration: .init(host: "127.0.0.1", port: 0), snapshots: snapshots, group: group,
                               logger: Logger(label: "test"))
        let port = try await server.start()
        let client = try UDPClient(host: "127.0.0.1", port: port)
        func answer() throws -> [String] {
            let query = try Message.query(try Name("www.example.com."), .a, id: 7, edns: nil).wireBytes()
            return try client.exchange(query).map { try Message(wire: $0).answers.map(\.data.description) } ?? []
        }
        for _ in 0..<3 { #expect(try answer() == ["127.0.0.1"]) }  // cached after the first
        let down = HealthTable([EndpointKey(monitor: "web", value: .address(IPAddress("127.0.0.1")!)): .down])
        snapshots.store(Snapshot.build(state, health: down, previous: snapshots.load(), now: 2))
        #expect(try answer() == ["127.0.0.2"])
        snapshots.store(Snapshot.build(state, health: .allUnknown, previous: snapshots.load(), now: 3))
        #expect(try answer() == ["127.0.0.1"])
        // Every answer counted for the policy, cached ones too, across the snapshots.
        #expect(snapshots.load().policyQueryCounts()[PolicyID(.failover, "www")] == 5)
        await server.stop()
        try await group.shutdownGracefully()
    }
}
