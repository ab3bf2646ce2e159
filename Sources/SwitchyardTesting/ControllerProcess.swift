import Foundation

/// The built `switchyard controller`, started on a free loopback port and stopped by `stop()`.
public final class ControllerProcess: @unchecked Sendable {
    public let port: Int
    /// The admin API's base URL, `http://127.0.0.1:PORT`.
    public let adminURL: String
    /// Where the controller keeps its state (and its generated admin token).
    public let dataDirectory: URL
    private let process: Process
    private let logPipe: Pipe
    private let collected = CollectedOutput()
    private let ownsDataDirectory: Bool

    /// Starts the controller on `manifests` and waits (up to `timeout`) until it says where it listens.
    /// `listen` takes port 0 (`127.0.0.1:0`, `[::1]:0`): the controller picks a free port and says which.
    /// `dataDirectory` defaults to a new temporary one; pass the same one again to restart on the same state.
    /// `launcher` runs it inside a command prefix (`ip netns exec NS`); `adminListen` is where its admin
    /// API listens.
    public init(manifests: URL, listen: String = "127.0.0.1:0", interval: String = "500ms", dataDirectory: URL? = nil,
                extraArguments: [String] = [], environment: [String: String] = [:], timeout: TimeInterval = 30,
                adminListen: String = "127.0.0.1:0", launcher: [String] = []) throws {
        self.dataDirectory = try dataDirectory ?? temporaryDirectory("data")
        ownsDataDirectory = dataDirectory == nil
        process = Process()
        let binary = repositoryRoot.appendingPathComponent(".build/debug/switchyard")
        let arguments = ["controller", "--manifests", manifests.path, "--dns-listen", listen, "--interval", interval,
                         "--data-dir", self.dataDirectory.path, "--admin-listen", adminListen] + extraArguments
        // `ip netns exec` execs the command, so the process (and its pid) becomes the controller.
        process.executableURL = launcher.isEmpty ? binary : URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = launcher.isEmpty ? arguments : launcher + [binary.path] + arguments
        let out = Pipe()
        logPipe = Pipe()
        process.standardOutput = out
        process.standardError = logPipe
        process.environment = childEnvironment.merging(environment) { $1 }
        // Read the log as it comes: a full pipe would block the controller.
        logPipe.fileHandleForReading.readabilityHandler = { [collected] handle in collected.append(handle.availableData) }
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(timeout)
        var found: Int? = nil
        var admin: String? = nil
        while found == nil && Date() < deadline && process.isRunning {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { usleep(20_000); continue }
            seen += String(decoding: chunk, as: UTF8.self)
            let lines = seen.split(separator: "\n")
            if let line = lines.first(where: { $0.hasPrefix("switchyard: DNS on ") }),
               let port = line.split(separator: ":").last.flatMap({ Int($0) }) {
                found = port
            }
            admin = lines.first { $0.hasPrefix("switchyard: admin API on ") }.map { String($0.dropFirst("switchyard: admin API on ".count)) }
        }
        guard let found, let admin else {
            // Let it finish saying why (or stop it), and collect all it said.
            if process.isRunning { process.terminate() }
            let deadline = Date().addingTimeInterval(3)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            usleep(100_000)
            let status = process.isRunning ? "still running" : "exit status \(process.terminationStatus)"
            throw StartFailure(output: "\(status)\n" + seen + "\n" + collected.text)
        }
        port = found
        adminURL = admin
    }

    public struct StartFailure: Error, CustomStringConvertible {
        public let output: String
        public var description: String { "the controller did not start listening: \(output)" }
    }

    /// The admin token the controller generated into its data directory.
    public var adminToken: String {
        (try? String(contentsOf: dataDirectory.appendingPathComponent("admin.token"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    /// SIGKILL at once: for crash tests.
    public func kill9() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then SIGKILL if it has not exited within two seconds.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    public var isRunning: Bool { process.isRunning }

    /// The controller's process id.
    public var pid: Int32 { process.processIdentifier }

    /// The exit status once stopped (SIGKILL shows as 9 with `terminationReason` uncaught signal).
    public var exitStatus: Int32 { process.terminationStatus }

    /// Everything the controller logged (standard error) so far.
    public var log: String { collected.text }

    /// Waits until the log has a line containing every one of `parts`, for at most `timeout` seconds.
    public func waitForLog(containing parts: [String], timeout: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if log.split(separator: "\n").contains(where: { line in parts.allSatisfy { line.contains($0) } }) { return true }
            usleep(50_000)
        } while Date() < deadline
        return false
    }

    deinit {
        stop()
        logPipe.fileHandleForReading.readabilityHandler = nil
        if ownsDataDirectory { try? FileManager.default.removeItem(at: dataDirectory) }
    }
}

/// Output read from a pipe on Foundation's thread, kept for the test.
private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
