import Foundation

/// Debian's `unbound`, run by a test as a recursive resolver on a loopback port: each zone of `stubs` is
/// resolved from our server at 127.0.0.1:`port` (a stub zone), with EDNS Client Subnet sent to it and
/// answers cached by subnet (its `subnetcache` module), as a public resolver in front of a geo server
/// would. With `trustAnchors` (DNSKEY or DS records in presentation form) it also validates DNSSEC
/// (its `validator` module), answering AD for what validates and SERVFAIL for what does not.
/// Stopped by `stop()`.
public final class UnboundResolver: @unchecked Sendable {
    public let port: Int
    private let daemon: LoggedProcess

    public init(stubs: [(zone: String, port: Int)], port: Int, trustAnchors: [String] = []) throws {
        self.port = port
        daemon = try LoggedProcess("unbound", executable: "/usr/sbin/unbound") { directory in
            // unbound answers some special-use names itself (test., invalid.): not the stubs' top labels.
            let tops = Set(stubs.compactMap { $0.zone.split(separator: ".").last.map(String.init) })
            let local = tops.sorted().map { "    local-zone: \"\($0).\" nodefault" }.joined(separator: "\n")
            let stubZones = stubs.map { stub in
                """
                stub-zone:
                    name: "\(stub.zone)"
                    stub-addr: 127.0.0.1@\(stub.port)
                """
            }.joined(separator: "\n")
            let configuration = """
                server:
                    interface: 127.0.0.1
                    port: \(port)
                    do-ip6: no
                    do-daemonize: no
                    use-syslog: no
                    logfile: ""
                    verbosity: 1
                    chroot: ""
                    username: ""
                    directory: "\(directory.path)"
                    pidfile: "\(directory.path)/unbound.pid"
                    access-control: 127.0.0.0/8 allow
                    do-not-query-localhost: no
                    module-config: "\(trustAnchors.isEmpty ? "subnetcache iterator" : "subnetcache validator iterator")"
                \(trustAnchors.map { "    trust-anchor: \"\($0)\"" }.joined(separator: "\n"))
                    val-log-level: 2
                    send-client-subnet: 127.0.0.1
                    client-subnet-always-forward: yes
                    max-client-subnet-ipv4: 24
                    qname-minimisation: no
                    harden-referral-path: no
                    target-fetch-policy: "0 0 0 0 0"
                \(local)
                \(stubZones)
                remote-control:
                    control-enable: no
                """
            let file = directory.appendingPathComponent("unbound.conf")
            try configuration.write(to: file, atomically: true, encoding: .utf8)
            return ["-d", "-c", file.path]
        }
    }

    public var logText: String { daemon.logText }

    public var isRunning: Bool { daemon.isRunning }

    public func stop() { daemon.stop() }
}
