import Foundation

/// A webhook receiver (Tests/Peers/webhook_receiver.py) that checks signatures and logs deliveries;
/// `stop()` and `start()` take it down and bring it back on the same port.
public final class WebhookReceiver: @unchecked Sendable {
    public let port: Int
    public let secret: String
    public let logURL: URL
    /// Seconds each request is held before the answer.
    public let delay: Double
    public let host: String
    /// Run inside this command prefix (`ip netns exec NS`), or directly.
    private let launcher: [String]
    private var process: Process?

    public init(port: Int, secret: String, directory: URL, delay: Double = 0, host: String = "127.0.0.1", launcher: [String] = []) throws {
        self.port = port
        self.host = host
        self.launcher = launcher
        self.secret = secret
        self.delay = delay
        logURL = directory.appendingPathComponent("webhook-\(port).jsonl")
        try start()
    }

    public var url: String { "http://\(host):\(port)/hook" }

    public func start() throws {
        guard process == nil else { return }
        let command = ["python3", repositoryRoot.appendingPathComponent("Tests/Peers/webhook_receiver.py").path,
                       "--host", host, "--port", String(port), "--secret", secret, "--log", logURL.path, "--delay", String(delay)]
        let all = launcher + command
        process = try startReadyProcess(all[0], Array(all.dropFirst()))
    }

    public func stop() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Every delivery logged so far, in arrival order.
    public func deliveries() -> [[String: Any]] {
        guard let text = try? String(contentsOf: logURL, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    deinit { stop() }
}
