import Foundation

/// GitHub's and GitLab's comment endpoints in memory (Tests/Peers/comments_api.py), for the CI examples'
/// plan comment: what was posted, in order.
public final class CommentsAPI: @unchecked Sendable {
    public let port: Int
    private let process: Process

    /// Starts the peer on a free port, answering only requests with `token`, with `seed` unrelated
    /// comments already there (more than a page, so finding ours takes pagination).
    public init(token: String, seed: Int) throws {
        port = try freeLoopbackPort()
        process = try startReadyProcess("python3", [repositoryRoot.appendingPathComponent("Tests/Peers/comments_api.py").path,
                                                    "--port", "\(port)", "--token", token, "--seed", "\(seed)"])
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Every comment's body, oldest first.
    public func comments() throws -> [String] {
        let (_, output) = try run("curl", ["-sf", "\(url)/_dump"])
        return try JSONDecoder().decode([String].self, from: Data(output.utf8))
    }

    /// SIGKILL: a test process may block SIGTERM, and its children inherit the mask.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
