import Foundation
import SwitchyardTesting
import Testing

/// The README's first hour, as a newcomer runs it after `make run`: the demo starts healthy and quiet,
/// a proposed change is planned and then applied by putting it in the manifests, a failed primary moves
/// `dig` to the secondary with the email and the webhook arriving, and recovering it moves `dig` back.
@Suite("The README walk on the demo")
struct DemoWalkTests {
    @Test func demoStartsHealthyFailsOverAndAlerts() throws {
        let demo = try DemoProcess(dnsPort: try freeLoopbackPort(), adminPort: try freeLoopbackPort())
        defer { demo.stop() }
        func www() throws -> [String] { try dig(["www.example.com", "A"], port: demo.dnsPort).answer }
        func switchyard(_ arguments: [String]) throws -> (status: Int32, output: String) { try demo.cli(arguments) }

        // Healthy: every endpoint the monitors probe comes up, and nothing is logged as a warning or error.
        let endpoints = ["127.0.0.10", "127.0.0.11", "127.0.0.20", "127.0.0.21", "127.0.0.30", "127.0.0.31", "127.0.0.32", "127.0.0.40"]
        let allUp = waitUntil(seconds: 60, every: 0.5) {
            let lines = demo.log.split(separator: "\n").filter { $0.contains("endpoint health") && $0.contains("to=up") }
            return endpoints.allSatisfy { address in lines.contains { $0.contains("endpoint=\(address) ") } }
        }
        #expect(allUp, "\(demo.log)")
        let troubled = demo.log.split(separator: "\n").filter { $0.contains(" warning ") || $0.contains(" error ") }
        #expect(troubled.isEmpty, "\(troubled.joined(separator: "\n"))")
        #expect(Set(try www().map { $0.split(separator: " ").last.map(String.init) ?? "" }) == ["127.0.0.10", "127.0.0.11"])

        // A proposed change is planned beside the manifests, then applied by putting it in them.
        _ = try run("cp", ["-r", demo.directory.appendingPathComponent("manifests").path, demo.directory.appendingPathComponent("proposed").path])
        let policy = demo.directory.appendingPathComponent("proposed/policies/www.yaml")
        try String(contentsOf: policy, encoding: .utf8).replacingOccurrences(of: "ttl: 60 ", with: "ttl: 120 ")
            .write(to: policy, atomically: true, encoding: .utf8)
        let server = ["--server", "http://127.0.0.1:\(demo.adminPort)"]
        let plan = try switchyard(["reconcile", "--manifests", "proposed", "--dry-run"] + server)
        #expect(plan.status == 0 && plan.output.contains("~ FailoverPolicy/www") && plan.output.contains("ttl: 60 → 120"), "\(plan.output)")
        let whatIf = try switchyard(["reconcile", "--manifests", "proposed", "--dry-run", "--assume-down", "web/127.0.0.20"] + server)
        #expect(whatIf.output.contains("assuming web/127.0.0.20 down"), "\(whatIf.output)")
        _ = try run("cp", [policy.path, demo.directory.appendingPathComponent("manifests/policies/www.yaml").path])
        #expect(waitUntil(seconds: 20, every: 0.2) { (try? www())?.first?.contains(" 120 IN A ") == true }, "\(demo.log)")

        // The primary fails: dig moves to the secondary, and the email and the webhook arrive.
        let fail = try switchyard(["demo", "fail", "web/127.0.0.10", "web/127.0.0.11"])
        #expect(fail.status == 0 && fail.output.contains("web/127.0.0.10 fails its probes now"), "\(fail.output)")
        #expect(waitUntil(seconds: 90, every: 0.5) { (try? www())?.contains { $0.hasSuffix("A 127.0.0.20") } == true }, "\(demo.log)")
        let alerted = waitUntil(seconds: 30, every: 0.2) {
            demo.log.split(separator: "\n").contains { $0.hasPrefix("demo: email to oncall@example.com: [switchyard] FAILOVER www.example.com A") && $0.hasSuffix("secondary (127.0.0.20)") }
                && demo.log.split(separator: "\n").contains { $0.hasPrefix("demo: webhook failover FailoverPolicy/www") && $0.contains("secondary (127.0.0.20) (signature verified)") }
        }
        #expect(alerted, "\(demo.log)")

        // Recovered: back to the primary tier.
        #expect(try switchyard(["demo", "recover", "web/127.0.0.10", "web/127.0.0.11"]).status == 0)
        #expect(waitUntil(seconds: 90, every: 0.5) { (try? www())?.contains { $0.hasSuffix("A 127.0.0.10") } == true }, "\(demo.log)")
        #expect(!demo.log.contains("BAD SIGNATURE") && !demo.log.contains("wrong SMTP credentials"), "\(demo.log)")
    }
}
