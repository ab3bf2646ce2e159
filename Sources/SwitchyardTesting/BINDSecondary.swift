import Foundation

/// BIND 9's `named`, run by a test as a secondary on a loopback port, and stopped by it: of one zone
/// named in its configuration, or of every zone a catalog zone lists (RFC 9432).
public final class BINDSecondary: @unchecked Sendable {
    public let port: Int
    private let daemon: LoggedProcess

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
        daemon = try LoggedProcess("bind", executable: "/usr/sbin/named") { directory in
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
            let file = directory.appendingPathComponent("named.conf")
            try configuration.write(to: file, atomically: true, encoding: .utf8)
            return ["-g", "-c", file.path]
        }
    }

    /// What named logged so far, for failure messages and transfer sizes.
    public var logText: String { daemon.logText }

    public var isRunning: Bool { daemon.isRunning }

    public func stop() { daemon.stop() }
}
