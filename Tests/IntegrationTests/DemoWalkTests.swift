import Foundation
import SwitchyardTesting
import Testing

/// The README's first hour, run as written: `make run`'s demo starts healthy and quiet; then every
/// command of the README's failover walk and of its GitOps loop runs in order in a checkout of the
/// examples, and what the comments beside them promise is checked (dig lines are asked again until
/// their answer comes, within a bound).
@Suite("The README walk on the demo")
struct DemoWalkTests {
    /// The commands of the README's first ```sh block after `marker`, without blank and comment-only lines.
    static func commands(after marker: String) throws -> [String] {
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: marker), "the README has no \"\(marker)\"")
        let rest = readme[start.upperBound...]
        let open = try #require(rest.range(of: "```sh\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        return rest[open.upperBound..<close.lowerBound].split(separator: "\n").map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
    }

    @Test func theREADMEWalkRunsAsWritten() throws {
        let walk = try Self.commands(after: "Make the primary fail and watch it all happen")
        let loop = try Self.commands(after: "Against the demo, a copy stands for the branch")
        #expect(walk.count == 3 && loop.count == 7, "\(walk)\n\(loop)")
        let demo = try DemoProcess()
        defer { demo.stop() }
        func www() throws -> String { try demo.shell("dig @127.0.0.1 -p 5353 www.example.com").output }

        // Healthy: every endpoint the monitors probe comes up, and nothing is logged as a warning or error.
        let endpoints = ["127.0.0.10", "127.0.0.11", "127.0.0.20", "127.0.0.21", "127.0.0.30", "127.0.0.31", "127.0.0.32", "127.0.0.40"]
        let allUp = waitUntil(seconds: 60, every: 0.5) {
            let lines = demo.log.split(separator: "\n").filter { $0.contains("endpoint health") && $0.contains("to=up") }
            return endpoints.allSatisfy { address in lines.contains { $0.contains("endpoint=\(address) ") } }
        }
        #expect(allUp, "\(demo.log)")
        let troubled = demo.log.split(separator: "\n").filter { $0.contains(" warning ") || $0.contains(" error ") }
        #expect(troubled.isEmpty, "\(troubled.joined(separator: "\n"))")
        #expect(try www().contains("A\t127.0.0.10"))

        /// Runs a README line; a dig line is asked again (every half second, at most 90 s) until `until`.
        func step(_ line: String, until expected: String? = nil) throws -> String {
            guard let expected else {
                let result = try demo.shell(line)
                #expect(result.status == 0, "\(line)\n\(result.output)")
                return result.output
            }
            var output = ""
            let arrived = try waitUntil(seconds: 90, every: 0.5) {
                output = try demo.shell(line).output
                return output.contains(expected)
            }
            #expect(arrived, "\(line) never answered \(expected): \(output)\n\(demo.log)")
            return output
        }

        // The failover walk: fail the primary, dig follows, the alert arrives, recover.
        #expect(try step(walk[0]).contains("web/127.0.0.10 fails its probes now"))
        _ = try step(walk[1], until: "127.0.0.20")
        let alerted = waitUntil(seconds: 30, every: 0.2) {
            let lines = demo.log.split(separator: "\n")
            return lines.contains { $0.hasPrefix("demo: email to oncall@example.com: [switchyard] FAILOVER www.example.com A") && $0.hasSuffix("secondary (127.0.0.20)") }
                && lines.contains { $0.hasPrefix("demo: webhook failover FailoverPolicy/www") && $0.hasSuffix("secondary (127.0.0.20) (signature verified)") }
        }
        #expect(alerted, "\(demo.log)")
        #expect(try step(walk[2]).contains("web/127.0.0.11 passes its probes again"))
        _ = try step(walk[1], until: "127.0.0.10")

        // The GitOps loop: propose beside, plan, a what-if, merge, the controller applies it; and back.
        _ = try step(loop[0])
        let plan = try step(loop[1])
        #expect(plan.contains("~ FailoverPolicy/www") && plan.contains("ttl: 60 → 120"), "\(plan)")
        #expect(try step(loop[2]).contains("assuming web/127.0.0.20 down"))
        _ = try step(loop[3])
        _ = try step(loop[4], until: "\t120\tIN\tA\t")
        #expect(try step(loop[5]).contains("generation 2"))
        _ = try step(loop[6])
        _ = try step(loop[4], until: "\t60\tIN\tA\t")
        #expect(!demo.log.contains("BAD SIGNATURE") && !demo.log.contains("wrong SMTP credentials"), "\(demo.log)")
    }
}
