import Foundation
import SwitchyardTesting
import Testing

/// DNS over TCP facing clients that misbehave (RFC 7766 §6.2): silent connections held open, a query
/// trickled a byte at a time, and a client that pipelines queries without ever reading the answers.
@Suite("DNS TCP limits")
struct TCPLimitsTests {
    static func zone(in directory: URL) throws {
        let txt = (0..<8).map { index in "\"" + String(repeating: String(format: "x%02d", index), count: 62) + "\"" }.joined(separator: ", ")
        try """
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.test}
            spec: {ttl: 300, soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1, ns2],
                   records: [{name: www, type: A, values: [192.0.2.10]}, {name: www, type: TXT, values: [\(txt)]}]}
            """.write(to: directory.appendingPathComponent("zone.yaml"), atomically: true, encoding: .utf8)
    }

    static func abuse(_ arguments: [String], port: Int, timeout: TimeInterval = 60) throws -> [[String: Any]] {
        let result = try run("python3", [repositoryRoot.appendingPathComponent("Tests/Peers/tcp_abuse.py").path] + arguments
                                 + ["--port", "\(port)"], timeout: timeout)
        return result.output.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    static func residentKiB(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
        return line.flatMap { Int($0.split(whereSeparator: \.isWhitespace)[1]) } ?? 0
    }

    @Test func silentTricklingAndNonReadingClientsShutNoOneOut() throws {
        let manifests = try temporaryDirectory("tcp-limits")
        defer { try? FileManager.default.removeItem(at: manifests) }
        try Self.zone(in: manifests)
        let controller = try ControllerProcess(manifests: manifests, extraArguments: ["--tcp-idle-timeout", "2s"])
        defer { controller.stop() }

        // 1,100 silent connections from 40 addresses, past the 1,024 cap: a new client is still answered.
        let held = try #require(try Self.abuse(["hold", "1100"], port: controller.port).first)
        #expect(held["held"] as? Int == 1100)
        #expect(held["answered"] as? Bool == true, "a new client is answered: \(held)")
        #expect((held["seconds"] as? Double ?? 9) < 1, "within a second: \(held)")

        // One byte a second keeps nothing open: closed at the idle timeout, counted from the last whole query.
        let trickle = try #require(try Self.abuse(["trickle", "--every", "0.5", "--seconds", "8"], port: controller.port).first)
        let closedAfter = try #require(trickle["closedAfter"] as? Double, "the server closed the trickling connection: \(trickle)")
        #expect(closedAfter < 4, "closed after \(closedAfter) s with an idle timeout of 2 s")

        // 100,000 pipelined queries for a 1.6 KB answer, never read: the server stops reading, memory stays,
        // others are served meanwhile, and the connection is closed once it makes no progress.
        let before = Self.residentKiB(controller.pid)
        let pipeline = Process()
        pipeline.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        pipeline.arguments = ["python3", repositoryRoot.appendingPathComponent("Tests/Peers/tcp_abuse.py").path, "pipeline", "100000",
                              "--name", "www.example.test", "--port", "\(controller.port)", "--seconds", "5", "--hold", "8"]
        let output = Pipe()
        pipeline.standardOutput = output
        try pipeline.run()
        defer { if pipeline.isRunning { pipeline.terminate() } }
        var peak = before
        var servedMeanwhile = 0
        for _ in 0..<6 {
            Thread.sleep(forTimeInterval: 0.5)
            peak = max(peak, Self.residentKiB(controller.pid))
            let answer = try dig(["www.example.test", "A", "+tcp"], port: controller.port)
            if answer.answer.contains(where: { $0.hasSuffix("192.0.2.10") }) { servedMeanwhile += 1 }
        }
        pipeline.waitUntilExit()
        let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        let closed = lines.last.flatMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        #expect(closed?["closedByServer"] as? Bool == true, "the non-reading client was closed: \(lines)")
        #expect(servedMeanwhile == 6, "other clients were answered meanwhile")
        #expect(peak - before < 64 * 1024, "resident memory grew \(peak - before) KiB")
        Thread.sleep(forTimeInterval: 1)
        #expect(Self.residentKiB(controller.pid) - before < 64 * 1024)
    }
}
