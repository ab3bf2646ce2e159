import Foundation
import SwitchyardTesting
import Testing

/// The whole loop with the real binary: a failover policy on two local HTTP endpoints, probed every
/// second with failureThreshold 3; stopping the primary moves `dig`'s answer to the secondary, and
/// restoring it moves the answer back, each with a failover event in the log.
@Suite("Monitored failover, end to end")
struct MonitoredFailoverTests {
    @Test func digFollowsThePrimaryGoingDownAndComingBack() throws {
        let port = try freeLoopbackPort()
        let primary = try ProbePeer(.http, host: "127.0.0.1", port: port)
        let secondary = try ProbePeer(.http, host: "127.0.0.2", port: port)
        let directory = try temporaryDirectory("monitored")
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.test}
            spec: {ttl: 300, soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1]}
            ---
            apiVersion: switchyard.io/v1
            kind: Monitor
            metadata: {name: web}
            spec: {protocol: http, port: \(port), path: /health, host: www.example.test, expectBody: ok,
                   interval: 1s, timeout: 500ms, failureThreshold: 3, successThreshold: 2}
            ---
            apiVersion: switchyard.io/v1
            kind: FailoverPolicy
            metadata: {name: www}
            spec:
              zone: example.test
              name: www
              type: A
              ttl: 30
              monitor: web
              tiers: [{name: primary, endpoints: [127.0.0.1]}, {name: secondary, endpoints: [127.0.0.2]}]
            """.write(to: directory.appendingPathComponent("failover.yaml"), atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: directory)
        defer { controller.stop() }

        func served() throws -> [String] { try dig(["www.example.test", "A"], port: controller.port).answer }
        /// Asks every 100 ms, at most 20 s, until the answer is `address`.
        func waitForAnswer(_ address: String) throws -> Bool {
            for _ in 0..<200 {
                if try served().contains(where: { $0.hasSuffix("A \(address)") }) { return true }
                usleep(100_000)
            }
            return false
        }

        #expect(try served() == ["www.example.test. 30 IN A 127.0.0.1"])
        #expect(controller.waitForLog(containing: ["endpoint health", "endpoint=127.0.0.1", "to=up"]), "\(controller.log)")
        #expect(primary.log().contains { $0["host"] == "www.example.test:\(port)" })

        primary.stop()
        #expect(try waitForAnswer("127.0.0.2"), "\(controller.log)")
        #expect(try served() == ["www.example.test. 15 IN A 127.0.0.2"], "degraded: half the TTL")
        #expect(controller.waitForLog(containing: ["failover event", "kind=failover", "policy=FailoverPolicy/www",
                                                   "before=primary (127.0.0.1)", "after=secondary (127.0.0.2)"]),
                "\(controller.log)")

        try primary.start()
        #expect(try waitForAnswer("127.0.0.1"), "\(controller.log)")
        #expect(controller.waitForLog(containing: ["failover event", "kind=failback", "after=primary (127.0.0.1)"]),
                "\(controller.log)")
        _ = secondary
    }
}
