import Foundation

/// BIND 9's `named`, run by a test as a secondary on a loopback port, and stopped by it: of one zone
/// named in its configuration, or of every zone a catalog zone lists (RFC 9432).
public final class BINDSecondary: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    private let process: Process
    private let log: URL

    /// Starts named as secondary of `zone` transferring from 127.0.0.1:`primaryPort`, on `port`; with
    /// `key` (name, base64 secret), every query to the primary is signed with it (HMAC-SHA256).
    public convenience init(zone: String, primaryPort: Int, port: Int, key: (name: String, secret: String)? = nil) throws {
        let keyClause = key.map { " key \"\($0.name)\"" } ?? ""
        let keyStatement = key.map { "key \"\($0.name)\" { algorithm hmac-sha256; secret \"\($0.secret)\"; };\n" } ?? ""
        try self.init(port: port, prefix: keyStatement, options: "") { path in
            """
            zone "\(zone)" {
                type secondary;
                primaries { 127.0.0.1 port \(primaryPort)\(keyClause); };
                file "\(path)/\(zone).db";
            };
            """
        }
    }

    /// Starts named as secondary of the catalog zone `catalog` and of each zone it lists, all from
    /// 127.0.0.1:`primaryPort`: the configuration the README gives operators.
    public convenience init(catalog: String, primaryPort: Int, port: Int) throws {
        let options = """
                allow-new-zones yes;
                catalog-zones {
                    zone "\(catalog)" default-primaries { 127.0.0.1 port \(primaryPort); } in-memory yes min-update-interval 1;
                };
            """
        try self.init(port: port, prefix: "", options: options) { path in
            """
            zone "\(catalog)" {
                type secondary;
                primaries { 127.0.0.1 port \(primaryPort); };
                file "\(path)/catalog.db";
            };
            """
        }
    }

    private init(port: Int, prefix: String, options: String, zones: (String) -> String) throws {
        self.port = port
        directory = try temporaryDirectory("bind")
        log = directory.appendingPathComponent("named.log")
        let path = directory.path
        let configuration = prefix + """
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
            \(options)
            };
            controls { };

            """ + zones(path)
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
        stopProcess(process)
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}

