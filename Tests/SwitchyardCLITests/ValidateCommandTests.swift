import Foundation
import Testing

/// Runs the built `switchyard` binary, as users and CI do, and checks stdout, stderr and the exit code.
@Suite("switchyard validate")
struct ValidateCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func switchyard(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = Self.root.appendingPathComponent(".build/debug/switchyard")
        process.arguments = arguments
        process.currentDirectoryURL = Self.root
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func theExamplesAreValidByDefault() throws {
        let run = try switchyard(["validate"])
        #expect(run.status == 0)
        #expect(run.stdout == "valid: 0 errors, 0 warnings in 9 documents (9 files)\n")
        #expect(run.stderr.isEmpty)
    }

    @Test func errorsArePrintedCompilerStyleAndExitOne() throws {
        let fixture = "Tests/ManifestsTests/Fixtures/invalid/references.yaml"
        let run = try switchyard(["validate", fixture])
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 8)
        #expect(lines[1] == "\(fixture):21:12: error: monitor \"wbe\" is not defined at spec.monitor in FailoverPolicy/www; did you mean \"web\"?")
        #expect(lines.last == "invalid: 7 errors, 0 warnings in 5 documents (1 file)")
    }

    @Test func warningsAloneExitZero() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-cli-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("zone.yaml")
        try Data("""
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.org}
            spec: {ttl: 10, soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1, ns2]}

            """.utf8).write(to: file)
        let run = try switchyard(["validate", file.path])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("\(file.path):4:13: warning: TTL of 10 s is under 30 s at spec.ttl in Zone/example.org;"))
        #expect(run.stdout.hasSuffix("valid: 0 errors, 1 warning in 1 document (1 file)\n"))
    }

    @Test func jsonOutput() throws {
        let run = try switchyard(["validate", "--output", "json", "Tests/ManifestsTests/Fixtures/invalid/duplicate-key.yaml"])
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("{\n  \"formatVersion\": 1,"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0]["line"] as? Int == 8)
        #expect(diagnostics[0]["column"] as? Int == 3)
        #expect(diagnostics[0]["severity"] as? String == "error")
        #expect(diagnostics[0]["message"] as? String == "duplicate key \"ttl\"")
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["valid"] as? Bool == false)
        #expect(summary["errors"] as? Int == 1)
    }

    @Test func usageErrorsExit64() throws {
        let run = try switchyard(["validate", "--output", "yaml"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--output"))
    }
}
