import Foundation

/// A real SMTP server for notifier tests: aiosmtpd (Tests/Peers/smtp_sink.py, from .build-venv), logging
/// every message it accepts; with `auth` ("user:password") it requires AUTH.
public final class SMTPSink: @unchecked Sendable {
    public let port: Int
    private let logURL: URL
    private let process: Process

    /// With `certificate`, STARTTLS is offered and required, or with `implicitTLS` the whole session is TLS (smtps://).
    public init(port: Int, directory: URL, auth: String? = nil, certificate: TestCertificate? = nil, implicitTLS: Bool = false) throws {
        self.port = port
        logURL = directory.appendingPathComponent("smtp-\(port).jsonl")
        let python = repositoryRoot.appendingPathComponent(".build-venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw PeerStartFailure(command: "\(python) (make test installs aiosmtpd into .build-venv)")
        }
        process = try startReadyProcess(python, [repositoryRoot.appendingPathComponent("Tests/Peers/smtp_sink.py").path,
                                                 "--port", String(port), "--log", logURL.path] + (auth.map { ["--auth", $0] } ?? [])
                                                + (certificate.map { ["--cert", $0.certificate.path, "--key", $0.key.path] } ?? [])
                                                + (implicitTLS ? ["--smtps"] : []))
    }

    /// Every message accepted so far: envelope `from`, `to`, `login`, `tls` (after STARTTLS), and the whole `message`.
    public func messages() -> [[String: Any]] {
        guard let text = try? String(contentsOf: logURL, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
