import Foundation

/// The built `switchyard controller`, started on a free loopback port and stopped by `stop()`.
public final class ControllerProcess: @unchecked Sendable {
    public let port: Int
    private let process: Process
    private let logPipe: Pipe
    private let collected = CollectedOutput()

    /// Starts the controller on `manifests` and waits (up to `timeout`) until it says where it listens.
    /// `listen` takes port 0 (`127.0.0.1:0`, `[::1]:0`): the controller picks a free port and says which.
    public init(manifests: URL, listen: String = "127.0.0.1:0", interval: String = "500ms",
                environment: [String: String] = [:], timeout: TimeInterval = 30) throws {
        process = Process()
        process.executableURL = repositoryRoot.appendingPathComponent(".build/debug/switchyard")
        process.arguments = ["controller", "--manifests", manifests.path, "--dns-listen", listen, "--interval", interval]
        let out = Pipe()
        logPipe = Pipe()
        process.standardOutput = out
        process.standardError = logPipe
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // Read the log as it comes: a full pipe would block the controller.
        logPipe.fileHandleForReading.readabilityHandler = { [collected] handle in collected.append(handle.availableData) }
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(timeout)
        var found: Int? = nil
        while found == nil && Date() < deadline && process.isRunning {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { usleep(20_000); continue }
            seen += String(decoding: chunk, as: UTF8.self)
            if let line = seen.split(separator: "\n").first(where: { $0.hasPrefix("switchyard: DNS on ") }),
               let port = line.split(separator: ":").last.flatMap({ Int($0) }) {
                found = port
            }
        }
        guard let found else {
            process.terminate()
            throw StartFailure(output: seen)
        }
        port = found
    }

    public struct StartFailure: Error, CustomStringConvertible {
        public let output: String
        public var description: String { "the controller did not start listening: \(output)" }
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
    }
}

/// Output read from a pipe on Foundation's thread, kept for the test.
private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
