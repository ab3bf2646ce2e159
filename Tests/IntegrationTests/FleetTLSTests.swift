import AdminAPI
import Foundation
import SwitchyardTesting
import Testing

/// Two fleet nodes on loopback whose admin APIs are https: they pull each other's verdicts over TLS,
/// verified against the fleet's CA file, with the fleet token; the CLI reads them with `--ca-file`; and a node whose admin URL is https but
/// that has no certificate refuses to start.
@Suite("A fleet over TLS")
struct FleetTLSTests {
    @Test func nodesPullEachOtherOverVerifiedTLS() throws {
        let directory = try temporaryDirectory("fleet-tls")
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = try TestCertificate(name: "localhost", in: directory)
        let probePort = try freeLoopbackPort()
        let endpoint = try ProbePeer(.tcp, port: probePort)
        let ports = ["a": try freeLoopbackPort(), "b": try freeLoopbackPort()]
        let manifests = directory.appendingPathComponent("manifests")
        try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
        try """
            apiVersion: switchyard.io/v1
            kind: Fleet
            metadata: {name: pair}
            spec:
              nodes: [{name: a, admin: "https://localhost:\(ports["a"]!)"}, {name: b, admin: "https://localhost:\(ports["b"]!)"}]
              tokenFrom: env:FLEET_TOKEN
              caFile: \(certificate.certificate.path)
            ---
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.test}
            spec: {ttl: 300, soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1, ns2]}
            ---
            apiVersion: switchyard.io/v1
            kind: Monitor
            metadata: {name: port}
            spec: {protocol: tcp, port: \(probePort), interval: 1s, timeout: 500ms, failureThreshold: 1, successThreshold: 1, quorum: all}
            ---
            apiVersion: switchyard.io/v1
            kind: FailoverPolicy
            metadata: {name: www}
            spec: {zone: example.test, name: www, type: A, ttl: 30, monitor: port,
                   tiers: [{name: primary, endpoints: [127.0.0.1]}, {name: secondary, endpoints: [127.0.0.2]}]}
            """.write(to: manifests.appendingPathComponent("all.yaml"), atomically: true, encoding: .utf8)
        let environment = ["FLEET_TOKEN": "fleet-secret", "SWITCHYARD_TOKEN": "admin-secret"]
        let tls = ["--admin-tls-cert", certificate.certificate.path, "--admin-tls-key", certificate.key.path]
        var nodes: [String: ControllerProcess] = [:]
        defer { for node in nodes.values { node.stop() } }
        for name in ["a", "b"] {
            nodes[name] = try ControllerProcess(manifests: manifests, extraArguments: ["--node", name] + tls, environment: environment,
                                                adminListen: "127.0.0.1:\(ports[name]!)")
            #expect(nodes[name]?.adminURL == "https://127.0.0.1:\(ports[name]!)")
        }

        // The CLI reads each node over https, verified against the fleet's CA (--ca-file).
        func state(of name: String) -> AdminAPI.State? {
            guard let result = try? run(repositoryRoot.appendingPathComponent(".build/debug/switchyard").path,
                                        ["status", "--server", "https://localhost:\(ports[name]!)", "--ca-file", certificate.certificate.path,
                                         "--output", "json"]), result.status == 0 else { return nil }
            return try? JSONDecoder().decode(AdminAPI.State.self, from: Data(result.output.utf8))
        }
        // Each sees the other fresh and its verdicts: 127.0.0.1 answers on the port, 127.0.0.2 does not.
        for (node, peer) in [("a", "b"), ("b", "a")] {
            #expect(waitUntil(seconds: 20, every: 0.2) {
                guard let state = state(of: node), state.peers?.first?.node == peer, state.peers?.first?.fresh == true else { return false }
                let verdicts = state.health.map { ($0.endpoint, $0.locations?.first { $0.node == peer }?.state) }
                return verdicts.contains { $0 == ("127.0.0.1", "up") } && verdicts.contains { $0 == ("127.0.0.2", "down") }
            }, "\(node) pulls \(peer)'s verdicts over TLS")
        }
        // TLS is verified: without the CA, the CLI and curl refuse the certificate; the fleet token opens /v1/verdicts only.
        let unverified = try run(repositoryRoot.appendingPathComponent(".build/debug/switchyard").path,
                                 ["status", "--server", "https://localhost:\(ports["a"]!)"])
        #expect(unverified.status == 1 && unverified.output.contains("SSL certificate problem"))
        #expect(try run("curl", ["-sf", "https://localhost:\(ports["a"]!)/healthz"]).status != 0)
        let verdicts = try run("curl", ["-sf", "--cacert", certificate.certificate.path, "-H", "Authorization: Bearer fleet-secret",
                                        "https://localhost:\(ports["a"]!)/v1/verdicts"])
        #expect(verdicts.status == 0 && verdicts.output.contains("\"node\":\"a\""))
        let write = try run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", certificate.certificate.path, "-X", "POST",
                                     "-H", "Authorization: Bearer fleet-secret", "-d", "{}", "https://localhost:\(ports["a"]!)/v1/apply"])
        #expect(write.output == "401")
        withExtendedLifetime(endpoint) {}

        // An https admin URL needs a certificate.
        let other = try temporaryDirectory("fleet-tls-data")
        defer { try? FileManager.default.removeItem(at: other) }
        #expect {
            _ = try ControllerProcess(manifests: manifests, dataDirectory: other, extraArguments: ["--node", "a"], environment: environment,
                                      timeout: 10, adminListen: "127.0.0.1:0")
        } throws: { error in
            "\(error)".contains("lists node a's admin API as https://localhost:\(ports["a"]!): start it with --admin-tls-cert and --admin-tls-key")
        }
    }
}
