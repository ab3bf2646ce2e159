import Foundation

/// BIND 9's `named`, run by a test on a loopback port, and stopped by it: as a secondary of one zone
/// named in its configuration or of every zone a catalog zone lists (RFC 9432), or as the primary of a
/// zone that takes dynamic updates (RFC 2136) signed with one key.
public final class BINDServer: @unchecked Sendable {
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

    /// Starts named as primary of `zone` from `zoneText` (master format), on `port`, taking UPDATEs signed
    /// with `updateKey` (name, BIND algorithm name such as hmac-sha256, base64 secret), or with `otherKey`
    /// (someone else editing the zone), and no others.
    public convenience init(primaryOf zone: String, zoneText: String, port: Int,
                            updateKey: (name: String, algorithm: String, secret: String),
                            otherKey: (name: String, algorithm: String, secret: String)? = nil) throws {
        let keys = [updateKey] + (otherKey.map { [$0] } ?? [])
        let keyStatements = keys.map { "key \"\($0.name)\" { algorithm \($0.algorithm); secret \"\($0.secret)\"; };\n" }.joined()
        try self.init(port: port, prefix: keyStatements, options: "") { path in
            // named writes its journal next to the zone file, so the file lives in its directory.
            try? zoneText.write(toFile: "\(path)/\(zone).db", atomically: true, encoding: .utf8)
            return """
                zone "\(zone)" {
                    type primary;
                    file "\(path)/\(zone).db";
                    allow-update { \(keys.map { "key \"\($0.name)\";" }.joined(separator: " ")) };
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

    /// The journal of a zone this named is primary of, as `named-journalprint` prints it (one `del`/`add`
    /// line per record, each update's own SOA pair among them); empty before the first update.
    public func journal(of zone: String) throws -> String {
        let file = daemon.directory.appendingPathComponent("\(zone).db.jnl").path
        guard FileManager.default.fileExists(atPath: file) else { return "" }
        return try run("named-journalprint", [file]).output
    }

    public func stop() { daemon.stop() }
}
