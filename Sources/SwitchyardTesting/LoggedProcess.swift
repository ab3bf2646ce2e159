import Foundation

/// A daemon a test runs in a temporary directory of its own (its working directory), standard output and
/// error going to a log file there; `stop()` ends it and removes the directory.
final class LoggedProcess: @unchecked Sendable {
    let directory: URL
    private let process = Process()
    private let log: URL

    /// Makes the directory and lets `configure` write into it; returns the arguments to start with.
    init(_ name: String, executable: String, configure: (URL) throws -> [String]) throws {
        directory = try temporaryDirectory(name)
        log = directory.appendingPathComponent("\(name).log")
        let arguments = try configure(directory)
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = childEnvironment
        process.currentDirectoryURL = directory
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    var isRunning: Bool { process.isRunning }

    func stop() {
        stopProcess(process)
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}
