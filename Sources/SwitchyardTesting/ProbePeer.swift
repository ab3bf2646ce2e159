import Foundation

/// An endpoint for health probes (Tests/Peers/probe_peer.py) on a loopback address: an HTTP(S) server
/// whose answer the test sets, a UDP responder, a TCP listener, or a black hole. `stop()` and `start()`
/// switch it off and on again at the same address.
public final class ProbePeer: @unchecked Sendable {
    public enum Mode: String, Sendable {
        case http, udp, tcp, blackhole
    }

    public let mode: Mode
    public let host: String
    public let port: Int
    public let directory: URL
    private let extraArguments: [String]
    /// Run inside this command prefix (`ip netns exec NS`), or directly.
    private let launcher: [String]
    private var process: Process?

    public init(_ mode: Mode, host: String = "127.0.0.1", port: Int, certificate: TestCertificate? = nil,
                reply: String = "pong", launcher: [String] = []) throws {
        self.launcher = launcher
        self.mode = mode
        self.host = host
        self.port = port
        directory = try temporaryDirectory("peer")
        var extra = ["--reply", reply]
        if let certificate { extra += ["--cert", certificate.certificate.path, "--key", certificate.key.path] }
        extraArguments = extra
        try start()
    }

    /// Starts listening again; waits (up to 10 s) until it is ready.
    public func start() throws {
        guard process == nil else { return }
        let all = launcher + ["python3",
            repositoryRoot.appendingPathComponent("Tests/Peers/probe_peer.py").path, mode.rawValue, "--host", host,
            "--port", String(port), "--control", directory.appendingPathComponent("control.json").path, "--log", logURL.path,
        ] + extraArguments
        process = try startReadyProcess(all[0], Array(all.dropFirst()))
    }

    /// Stops listening (the port then refuses connections). SIGKILL: a child of the test runner
    /// inherits its blocked SIGTERM, and the peer has nothing to clean up.
    public func stop() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// The HTTP status and body to answer with from now on.
    public func respond(status: Int, body: String) throws {
        let json = try JSONSerialization.data(withJSONObject: ["status": status, "body": body])
        try json.write(to: directory.appendingPathComponent("control.json"), options: .atomic)
    }

    /// Every request's Host header and every TLS SNI seen so far, as logged.
    public func log() -> [[String: String]] {
        guard let text = try? String(contentsOf: logURL, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: String]
        }
    }

    private var logURL: URL { directory.appendingPathComponent("log.jsonl") }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A self-signed certificate for `name`, made with openssl, for HTTPS probe tests.
public struct TestCertificate: Sendable {
    public let certificate: URL
    public let key: URL

    public init(name: String, in directory: URL) throws {
        certificate = directory.appendingPathComponent("\(name).crt")
        key = directory.appendingPathComponent("\(name).key")
        let (status, output) = try run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                                   "-nodes", "-days", "2", "-subj", "/CN=\(name)",
                                                   "-addext", "subjectAltName=DNS:\(name)",
                                                   "-keyout", key.path, "-out", certificate.path])
        guard status == 0 else { throw CertificateFailure(output: output) }
    }

    public struct CertificateFailure: Error, CustomStringConvertible {
        let output: String
        public var description: String { "openssl could not make a certificate: \(output)" }
    }
}
