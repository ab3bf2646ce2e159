import Foundation

/// Knot DNS's `knotd`, run by a test as a secondary on a loopback port, and stopped by it: of one zone
/// named in its configuration, or of every zone a catalog zone lists (`catalog-role: interpret`).
/// Zones live in Knot's journal only (no zone files), as on a secondary that needs none.
public final class KnotSecondary: @unchecked Sendable {
    public let port: Int
    private let daemon: LoggedProcess

    /// Starts knotd as secondary of `zone` transferring from 127.0.0.1:`primaryPort`, on `port`.
    public convenience init(zone: String, primaryPort: Int, port: Int) throws {
        try self.init(primaryPort: primaryPort, port: port, zone: """
              - domain: \(zone)
                master: primary
                acl: notify_from_primary
            """)
    }

    /// Starts knotd as secondary of the catalog zone `catalog` and of each zone it lists, all from
    /// 127.0.0.1:`primaryPort`: the configuration the README gives operators.
    public convenience init(catalog: String, primaryPort: Int, port: Int) throws {
        try self.init(primaryPort: primaryPort, port: port, zone: """
              - domain: \(catalog)
                master: primary
                acl: notify_from_primary
                catalog-role: interpret
                catalog-template: member
            """)
    }

    private init(primaryPort: Int, port: Int, zone: String) throws {
        self.port = port
        daemon = try LoggedProcess("knot", executable: "/usr/sbin/knotd") { directory in
            let path = directory.path
            // knotd does not create its database directory.
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("db"), withIntermediateDirectories: true)
            let configuration = """
                server:
                    rundir: "\(path)"
                    listen: 127.0.0.1@\(port)
                database:
                    storage: "\(path)/db"
                log:
                  - target: stderr
                    any: info
                remote:
                  - id: primary
                    address: 127.0.0.1@\(primaryPort)
                acl:
                  - id: notify_from_primary
                    address: 127.0.0.1
                    action: notify
                template:
                  - id: default
                    storage: "\(path)"
                    zonefile-sync: -1
                    zonefile-load: none
                    journal-content: all
                  - id: member
                    storage: "\(path)"
                    zonefile-sync: -1
                    zonefile-load: none
                    journal-content: all
                    master: primary
                    acl: notify_from_primary
                zone:
                \(zone)

                """
            let file = directory.appendingPathComponent("knot.conf")
            try configuration.write(to: file, atomically: true, encoding: .utf8)
            return ["-c", file.path]
        }
    }

    /// What knotd logged so far, for failure messages and transfer sizes.
    public var logText: String { daemon.logText }

    public var isRunning: Bool { daemon.isRunning }

    public func stop() { daemon.stop() }
}
