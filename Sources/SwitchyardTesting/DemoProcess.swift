import Foundation

/// `switchyard demo` as `make run` starts it, in a directory of its own holding a copy of the example
/// manifests (its working directory, so `.switchyard/` is there), on the DNS and admin ports given.
public final class DemoProcess: @unchecked Sendable {
    public let dnsPort: Int
    public let adminPort: Int
    private let daemon: LoggedProcess

    public init(dnsPort: Int, adminPort: Int) throws {
        self.dnsPort = dnsPort
        self.adminPort = adminPort
        let binary = repositoryRoot.appendingPathComponent(".build/debug/switchyard").path
        daemon = try LoggedProcess("demo", executable: binary) { directory in
            _ = try run("cp", ["-r", repositoryRoot.appendingPathComponent("manifests").path, directory.path])
            return ["demo", "--", "--dns-listen", "127.0.0.1:\(dnsPort)", "--admin-listen", "127.0.0.1:\(adminPort)"]
        }
    }

    /// Where it runs: `manifests/` and `.switchyard/` are here.
    public var directory: URL { daemon.directory }

    /// Its standard output and error so far.
    public var log: String { daemon.logText }

    public var isRunning: Bool { daemon.isRunning }

    /// Runs `switchyard ARGUMENTS` in the demo's directory, against its admin API where that applies.
    public func cli(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = repositoryRoot.appendingPathComponent(".build/debug/switchyard")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    public func stop() { daemon.stop() }
}
