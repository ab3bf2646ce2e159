import AdminAPI
import Foundation
import SwitchyardTesting
import Testing

/// Three controllers on three test hosts (network namespaces joined by a bridge), probing two HTTP
/// endpoints on a fourth, agreeing on health by quorum 2 and alerting a webhook receiver on the hub.
/// An endpoint is made unreachable from one node with a blackhole route inside that node's namespace.
/// Everything is removed at the end, even on failure; without root the test fails saying why.
@Suite("A fleet of three locations", .serialized)
struct FleetTests {
    static let names = ["fra", "iad", "sin"]
    /// Probe every second, down after two failures, up after one success; pulls every second; stale after 3 s.
    static let interval = 1.0, failureThreshold = 2.0, pull = 1.0

    /// The lab and everything running in it.
    final class Lab {
        let network: NetworkLab
        let subnet: String
        let directory: URL
        let adminToken = "admin-\(UInt64.random(in: 0 ... .max))"
        let tokenFile: URL
        var controllers: [String: ControllerProcess] = [:]
        var endpoints: [ProbePeer] = []
        let receiver: WebhookReceiver

        init() throws {
            subnet = "10.77.\(Int.random(in: 1...250))"
            network = try NetworkLab(subnet: subnet)
            directory = try temporaryDirectory("fleet")
            tokenFile = directory.appendingPathComponent("admin.token")
            try Data((adminToken + "\n").utf8).write(to: tokenFile)
            for (index, name) in FleetTests.names.enumerated() { try network.addHost(name, octets: [index + 1]) }
            try network.addHost("ep", octets: [10, 11])
            for octet in [10, 11] {
                endpoints.append(try ProbePeer(.http, host: "\(subnet).\(octet)", port: 80, launcher: network.exec(on: "ep")))
            }
            receiver = try WebhookReceiver(port: 8080, secret: "hook-secret", directory: directory, host: network.hubAddress,
                                           launcher: network.exec(on: nil))
            for name in FleetTests.names { try writeManifests(for: name) }
        }

        var primary: String { "\(subnet).10" }
        var secondary: String { "\(subnet).11" }
        func address(_ node: String) -> String { network.addresses[node]![0] }
        func manifests(_ node: String) -> URL { directory.appendingPathComponent("manifests-\(node)") }

        /// The same config on every node; `timeout` changes the monitor's definition (a newer revision).
        func writeManifests(for node: String, timeout: String = "500ms") throws {
            let nodes = FleetTests.names.map { "{name: \($0), admin: \"http://\(address($0)):8053\"}" }.joined(separator: ", ")
            try FileManager.default.createDirectory(at: manifests(node), withIntermediateDirectories: true)
            try """
                apiVersion: switchyard.io/v1
                kind: Fleet
                metadata: {name: test}
                spec: {nodes: [\(nodes)], tokenFrom: "env:FLEET_TOKEN"}
                ---
                apiVersion: switchyard.io/v1
                kind: Zone
                metadata: {name: example.test}
                spec: {ttl: 300, soa: {primary: fra, contact: hostmaster}, nameservers: [fra, iad, sin],
                       records: [{name: fra, type: A, values: [\(address("fra"))]}, {name: iad, type: A, values: [\(address("iad"))]},
                                 {name: sin, type: A, values: [\(address("sin"))]}]}
                ---
                apiVersion: switchyard.io/v1
                kind: Monitor
                metadata: {name: web}
                spec: {protocol: http, port: 80, interval: 1s, timeout: \(timeout), failureThreshold: 2, successThreshold: 1, quorum: 2}
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
                  tiers: [{name: primary, endpoints: [\(primary)]}, {name: secondary, endpoints: [\(secondary)]}]
                  notify: [hook]
                ---
                apiVersion: switchyard.io/v1
                kind: Notifier
                metadata: {name: hook}
                spec: {events: [failover, failback, allDown, recovered], webhook: {url: "\(receiver.url)", secretFrom: "env:HOOK_SECRET"}}
                """.write(to: manifests(node).appendingPathComponent("all.yaml"), atomically: true, encoding: .utf8)
        }

        func start(_ node: String) throws {
            controllers[node] = try ControllerProcess(
                manifests: manifests(node), listen: "\(address(node)):53", interval: "1s",
                dataDirectory: directory.appendingPathComponent("data-\(node)"), extraArguments: ["--node", node],
                environment: ["FLEET_TOKEN": "fleet-secret", "HOOK_SECRET": "hook-secret", "SWITCHYARD_TOKEN": adminToken],
                adminListen: "\(address(node)):8053", launcher: network.exec(on: node))
        }

        /// What `node` answers for www.example.test A, asked from the hub.
        func answer(_ node: String) -> String {
            let result = try? network.run(on: nil, ["dig", "@\(address(node))", "www.example.test", "A", "+short", "+time=1", "+tries=1"])
            return result?.output.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        }

        /// `switchyard status --server` of `node`, as JSON, run from the hub.
        func status(_ node: String) -> AdminAPI.State? {
            guard let result = try? network.run(on: nil, [repositoryRoot.appendingPathComponent(".build/debug/switchyard").path, "status",
                                                          "--server", "http://\(address(node)):8053", "--token-file", tokenFile.path,
                                                          "--output", "json"]),
                  result.status == 0 else { return nil }
            return try? JSONDecoder().decode(AdminAPI.State.self, from: Data(result.output.utf8))
        }

        func statusText(_ node: String) -> String {
            (try? network.run(on: nil, [repositoryRoot.appendingPathComponent(".build/debug/switchyard").path, "status",
                                        "--server", "http://\(address(node)):8053", "--token-file", tokenFile.path]))?.output ?? ""
        }

        /// `node`'s view of `location`'s verdict on the primary.
        func verdict(_ node: String, of location: String) -> AdminAPI.LocationHealth? {
            status(node)?.health.first { $0.endpoint == primary }?.locations?.first { $0.node == location }
        }

        func peersFresh(_ node: String) -> [String: Bool] {
            Dictionary((status(node)?.peers ?? []).map { ($0.node, $0.fresh) }, uniquingKeysWith: { first, _ in first })
        }

        /// Webhook deliveries of `kind` so far, by delivery (event) id.
        func deliveries(_ kind: String) -> [String] {
            receiver.deliveries().filter { $0["event"] as? String == kind && $0["valid"] as? Bool == true }.compactMap { $0["delivery"] as? String }
        }

        func shutdown() {
            for controller in controllers.values { controller.stop() }
            for endpoint in endpoints { endpoint.stop() }
            receiver.stop()
            network.remove()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test func threeLocationsAgreeByQuorumAndAlertOnce() throws {
        let lab = try Lab()
        defer { lab.shutdown() }
        for node in Self.names { try lab.start(node) }
        let (fra, iad, sin) = ("fra", "iad", "sin")

        // Healthy: every node serves the primary and has both peers fresh; any node's status shows all three locations.
        #expect(waitUntil(seconds: 20, every: 0.2) { Self.names.allSatisfy { lab.answer($0) == lab.primary } })
        #expect(waitUntil(seconds: 20, every: 0.2) {
            Self.names.allSatisfy { node in lab.peersFresh(node).values.allSatisfy { $0 } && lab.peersFresh(node).count == 2 }
        })
        #expect(waitUntil(seconds: 10, every: 0.2) { lab.verdict(iad, of: sin)?.state == "up" && lab.verdict(iad, of: fra)?.state == "up" })
        let text = lab.statusText(iad)
        for location in Self.names { #expect(text.contains("    \(location): up"), "status from iad shows \(location): \(text)") }
        let metrics = try lab.network.run(on: nil, ["curl", "-s", "-H", "Authorization: Bearer \(lab.adminToken)",
                                                    "http://\(lab.address(iad)):8053/metrics"]).output.split(separator: "\n")
        for location in Self.names {
            let line = metrics.first { $0.hasPrefix("switchyard_verdict_up{monitor=\"web\",endpoint=\"\(lab.primary)\",location=\"\(location)\"}") }
            #expect(line.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } } == 1, "metrics show \(location)'s verdict: \(line ?? "none")")
        }
        for peer in [fra, sin] {
            let line = metrics.first { $0.hasPrefix("switchyard_peer_fresh{node=\"\(peer)\"}") }
            #expect(line.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } } == 1, "metrics show \(peer) fresh: \(line ?? "none")")
        }

        // Blackholed from fra only: fra's verdict is down, nobody fails over.
        try lab.network.blackhole(lab.primary, from: fra)
        #expect(waitUntil(seconds: 10, every: 0.2) { lab.verdict(sin, of: fra)?.state == "down" })
        #expect(waitUntil(seconds: 3, every: 0.5) { Self.names.contains { lab.answer($0) != lab.primary } } == false)
        #expect(lab.status(fra)?.health.first { $0.endpoint == lab.primary }?.state == "up")
        let page = try lab.network.run(on: nil, ["curl", "-s", "-H", "Authorization: Bearer \(lab.adminToken)", "http://\(lab.address(fra)):8053/"])
        #expect(page.output.contains("fra: down"), "the status page shows fra's own verdict")

        // Blackholed from iad as well: every node serves the secondary soon after iad sees it down; one alert.
        try lab.network.blackhole(lab.primary, from: iad)
        #expect(waitUntil(seconds: 10, every: 0.05) { lab.verdict(iad, of: iad)?.state == "down" })
        // The issue's bound, from the moment iad's own verdict is seen down (typically one pull, about 1 s).
        let bound = Self.interval * Self.failureThreshold + Self.pull + 1
        let flipped = secondsUntil(each: Self.names, within: bound) { lab.answer($0) == lab.secondary }
        #expect(flipped.count == 3, "every node fails over within \(bound) s: \(flipped)")
        #expect(waitUntil(seconds: 10) { lab.deliveries("failover").count >= 1 })
        Thread.sleep(forTimeInterval: 5)  // room for a duplicate to arrive, if any were sent
        let failovers = lab.deliveries("failover")
        #expect(failovers.count == 1, "exactly one delivery of the failover: \(failovers)")
        let body = lab.receiver.deliveries().first { $0["event"] as? String == "failover" }?["body"] as? [String: Any]
        let locations = ((body?["causes"] as? [[String: Any]])?.first?["locations"] as? [[String: Any]])?.compactMap { $0["node"] as? String }
        #expect(locations == Self.names, "the alert carries every location's verdict")

        // Back: one failback.
        try lab.network.restore(lab.primary, from: fra)
        try lab.network.restore(lab.primary, from: iad)
        #expect(waitUntil(seconds: 15, every: 0.2) { Self.names.allSatisfy { lab.answer($0) == lab.primary } })
        #expect(waitUntil(seconds: 10) { lab.deliveries("failback").count >= 1 })

        // sin cut off from its peers: it reports them stale and, seeing the primary down on its own, holds.
        try lab.network.blackhole(lab.address(fra), from: sin)
        try lab.network.blackhole(lab.address(iad), from: sin)
        #expect(waitUntil(seconds: 10, every: 0.2) { lab.peersFresh(sin) == [fra: false, iad: false] })
        try lab.network.blackhole(lab.primary, from: sin)
        #expect(waitUntil(seconds: 10, every: 0.2) { lab.verdict(sin, of: sin)?.state == "down" })
        #expect(waitUntil(seconds: 3, every: 0.5) { lab.answer(sin) != lab.primary } == false)
        #expect(lab.status(sin)?.health.first { $0.endpoint == lab.primary }?.stale == true)
        for address in [lab.address(fra), lab.address(iad), lab.primary] { try lab.network.restore(address, from: sin) }
        #expect(waitUntil(seconds: 10, every: 0.2) { lab.peersFresh(sin) == [fra: true, iad: true] })

        // Mixed revisions: fra and iad probe with a changed monitor; sin, still on the old one, ignores
        // their verdicts on it, so their failover is not sin's.
        for node in [fra, iad] { try lab.writeManifests(for: node, timeout: "400ms") }
        #expect(waitUntil(seconds: 15, every: 0.2) { [fra, iad].allSatisfy { lab.status($0)?.generation == 2 } })
        #expect(waitUntil(seconds: 10, every: 0.2) {
            lab.verdict(sin, of: fra)?.sameDefinition == false && lab.verdict(sin, of: iad)?.sameDefinition == false
        })
        try lab.network.blackhole(lab.primary, from: fra)
        try lab.network.blackhole(lab.primary, from: iad)
        #expect(waitUntil(seconds: 15, every: 0.2) { lab.answer(fra) == lab.secondary && lab.answer(iad) == lab.secondary })
        #expect(lab.answer(sin) == lab.primary)
        for node in [fra, iad] {
            try lab.network.restore(lab.primary, from: node)
            try lab.writeManifests(for: node)
        }
        #expect(waitUntil(seconds: 15, every: 0.2) {
            Self.names.allSatisfy { lab.answer($0) == lab.primary } && lab.verdict(sin, of: fra)?.sameDefinition == true
        })

        // The sender (fra, first in fleet order) killed before the failover: iad delivers it, once.
        let before = Set(lab.deliveries("failover"))
        lab.controllers[fra]?.kill9()
        #expect(waitUntil(seconds: 10, every: 0.2) { lab.peersFresh(iad)[fra] == false })
        try lab.network.blackhole(lab.primary, from: iad)
        try lab.network.blackhole(lab.primary, from: sin)
        #expect(waitUntil(seconds: 15, every: 0.2) { lab.answer(iad) == lab.secondary && lab.answer(sin) == lab.secondary })
        #expect(waitUntil(seconds: 10) { Set(lab.deliveries("failover")).subtracting(before).count >= 1 })
        Thread.sleep(forTimeInterval: 5)
        let after = lab.deliveries("failover").filter { !before.contains($0) }
        #expect(after.count == 1, "one delivery after the sender died: \(after)")
        #expect(lab.controllers[iad]?.log.contains("notification delivered") == true)
        #expect(lab.controllers[sin]?.log.contains("notification delivered by another fleet node") == true)
    }
}
