import Foundation
import SwitchyardTesting
import Testing

/// What a real resolver in front of us caches (unbound with its subnet cache, stub zone to our server on
/// loopback): geo answers by Client Subnet scope, so a /16 region's answer is not served to the clients of
/// a /24 region inside it, and a policy's NODATA for no longer than the policy's TTL.
@Suite("A resolver in front")
struct ResolverCachingTests {
    static let manifests = """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: example.test}
        spec: {ttl: 3600, soa: {primary: ns1, contact: hostmaster, negativeTtl: 300}, nameservers: [ns1, ns2],
               records: [{name: ns1, type: A, values: [127.0.0.1]}, {name: ns2, type: A, values: [127.0.0.1]}]}
        ---
        apiVersion: switchyard.io/v1
        kind: Monitor
        metadata: {name: web}
        spec: {protocol: tcp, port: 9, interval: 1s, timeout: 500ms, failureThreshold: 1, successThreshold: 1}
        ---
        apiVersion: switchyard.io/v1
        kind: FailoverPolicy
        metadata: {name: down}
        spec: {zone: example.test, name: down, type: A, ttl: 60, monitor: web, whenAllDown: none,
               tiers: [{name: primary, endpoints: [127.0.0.1]}]}
        ---
        apiVersion: switchyard.io/v1
        kind: GeoPolicy
        metadata: {name: geo}
        spec:
          zone: example.test
          name: geo
          type: A
          ttl: 300
          networks: {office: [10.20.0.0/16], lab: [10.20.5.0/24]}
          regions:
            - {name: office, match: {networks: [office]}, endpoints: [192.0.2.16]}
            - {name: lab, match: {networks: [lab]}, endpoints: [192.0.2.24]}
            - {name: rest, default: true, endpoints: [192.0.2.1]}
        """

    @Test func unboundCachesGeoAnswersByScopeAndNodataBriefly() throws {
        let directory = try temporaryDirectory("resolver")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.manifests.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: directory)
        defer { controller.stop() }
        let resolver = try UnboundResolver(stubs: [("example.test", controller.port)], port: try freeLoopbackPort())
        defer { resolver.stop() }
        #expect(waitUntil(seconds: 10, every: 0.2) { (try? dig(["ns1.example.test", "A", "+rec"], port: resolver.port))?.status == "NOERROR" },
                "unbound answers: \(resolver.logText)")

        // The office client first: its answer holds for 10.20.0.0/22 only, so the lab client next door is
        // asked for, not served the office's answer from the cache.
        let office = try dig(["geo.example.test", "A", "+subnet=10.20.1.0/24", "+rec"], port: resolver.port)
        #expect(office.answer.first?.hasSuffix("192.0.2.16") == true, "\(office)")
        let lab = try dig(["geo.example.test", "A", "+subnet=10.20.5.0/24", "+rec"], port: resolver.port)
        #expect(lab.answer.first?.hasSuffix("192.0.2.24") == true, "\(lab)")
        let elsewhere = try dig(["geo.example.test", "A", "+subnet=198.51.100.0/24", "+rec"], port: resolver.port)
        #expect(elsewhere.answer.first?.hasSuffix("192.0.2.1") == true, "\(elsewhere)")

        // A policy with nothing healthy (whenAllDown: none) answers NODATA; the resolver keeps it for no
        // longer than the policy's degraded TTL (30 s), not the zone's 300 s.
        #expect(waitUntil(seconds: 10, every: 0.2) {
            (try? dig(["down.example.test", "A"], port: controller.port))?.answer.isEmpty == true
        })
        let nodata = try dig(["down.example.test", "A", "+rec"], port: resolver.port)
        #expect(nodata.status == "NOERROR" && nodata.answer.isEmpty, "\(nodata)")
        let ttl = nodata.authority.first.flatMap { Int($0.split(separator: " ")[1]) }
        #expect(ttl.map { $0 <= 30 } == true, "negative TTL at the resolver: \(nodata)")
    }
}
