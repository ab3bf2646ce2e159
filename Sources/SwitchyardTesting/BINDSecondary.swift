import Foundation

/// BIND 9's `named`, run by a test as a secondary of one zone on a loopback port, and stopped by it.
public final class BINDSecondary: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    private let process: Process
    private let log: URL

    /// Starts named as secondary of `zone` transferring from 127.0.0.1:`primaryPort`, on `port`; with
    /// `key` (name, base64 secret), every query to the primary is signed with it (HMAC-SHA256).
    public init(zone: String, primaryPort: Int, port: Int, key: (name: String, secret: String)? = nil) throws {
        self.port = port
        directory = try temporaryDirectory("bind")
        log = directory.appendingPathComponent("named.log")
        let path = directory.path
        let keyClause = key.map { " key \"\($0.name)\"" } ?? ""
        let keyStatement = key.map { "key \"\($0.name)\" { algorithm hmac-sha256; secret \"\($0.secret)\"; };\n" } ?? ""
        let configuration = keyStatement + """
            options {
                directory "\(path)";
                pid-file "\(path)/named.pid";
                session-keyfile "\(path)/session.key";
                managed-keys-directory "\(path)";
                listen-on port \(port) { 127.0.0.1; };
                listen-on-v6 { none; };
                recursion no;
                dnssec-validation no;
                notify no;
                minimal-responses yes;
            };
            controls { };
            zone "\(zone)" {
                type secondary;
                primaries { 127.0.0.1 port \(primaryPort)\(keyClause); };
                file "\(path)/\(zone).db";
            };
            """
        try configuration.write(to: directory.appendingPathComponent("named.conf"), atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/named")
        process.arguments = ["-g", "-c", directory.appendingPathComponent("named.conf").path]
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// What named logged so far, for failure messages.
    public var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    public var isRunning: Bool { process.isRunning }

    public func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}
