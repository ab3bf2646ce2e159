import Foundation

/// `make run` as a newcomer gets it, in a directory of its own standing for the repository: a git
/// checkout of the example manifests and `.build/release/switchyard` (this build's binary), with
/// `switchyard demo --manifests manifests` running there on the defaults (DNS 127.0.0.1:5353, the
/// admin API 127.0.0.1:8053, state in `.switchyard/`), so the README's commands run there as written.
public final class DemoProcess: @unchecked Sendable {
    private let daemon: LoggedProcess

    public init() throws {
        let binary = repositoryRoot.appendingPathComponent(".build/debug/switchyard").path
        daemon = try LoggedProcess("demo", executable: binary) { directory in
            _ = try run("cp", ["-r", repositoryRoot.appendingPathComponent("manifests").path, directory.path])
            let release = directory.appendingPathComponent(".build/release")
            try FileManager.default.createDirectory(at: release, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: release.appendingPathComponent("switchyard").path, withDestinationPath: binary)
            for command in [["init", "-q"], ["add", "manifests"], ["-c", "user.name=demo", "-c", "user.email=demo@example.com", "commit", "-qm", "examples"]] {
                _ = try run("git", ["-C", directory.path] + command)
            }
            return ["demo", "--manifests", "manifests"]
        }
    }

    /// Where it runs: `manifests/`, `.build/release/switchyard` and `.switchyard/` are here.
    public var directory: URL { daemon.directory }

    /// Its standard output and error so far.
    public var log: String { daemon.logText }

    /// Runs one shell command line in the demo's directory, as a person would type it there.
    public func shell(_ line: String, timeout: TimeInterval = 30) throws -> (status: Int32, output: String) {
        try run("bash", ["-c", "cd \"\(directory.path)\" && " + line], timeout: timeout)
    }

    public func stop() { daemon.stop() }
}
