import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Controller
import Logging
import Manifests
import Notify
import ServiceLifecycle

/// `switchyard controller`: serves the manifests over DNS and follows their changes.
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller",
        abstract: "Serve the manifests as an authoritative DNS server and apply every change to them.",
        discussion: """
            Serves the last applied config from --data-dir at once, then reconciles the manifests: answers \
            DNS on --dns-listen (UDP and TCP), probes every monitored endpoint, reads the manifests again \
            every --interval (with --git-sync, fast-forwarding their git checkout first) and applies them \
            when they changed, are valid and the plan is safe; anything else is logged, recorded as a \
            reconcileFailed event and shown on /v1/state while the last good config keeps serving. The admin \
            API listens on --admin-listen. Prints "switchyard: admin API on http://HOST:PORT" and \
            "switchyard: DNS on HOST:PORT" on standard output once listening (port 0 picks a free one); logs \
            go to standard error. Exits 1 when nothing was ever applied and the manifests are invalid.
            """)

    @Option(help: "Manifest directory (or file).")
    var manifests: String = "manifests"

    @Option(name: .customLong("dns-listen"), help: "Address for DNS over UDP and TCP: HOST:PORT, [IPv6]:PORT.")
    var dnsListen: String = "127.0.0.1:5353"

    @Option(help: "How often to read the manifests again and undo drift: 500ms, 5s, 1m…")
    var interval: String = "30s"

    @Option(name: .customLong("data-dir"), help: "Where the state (SQLite) and the generated admin token live.")
    var dataDirectory: String = ".switchyard"

    @Option(name: .customLong("admin-listen"), help: "Address of the admin API: HOST:PORT, [IPv6]:PORT.")
    var adminListen: String = "127.0.0.1:8053"

    @Option(name: .customLong("token-file"), help: "A file holding the admin token (default: SWITCHYARD_TOKEN, else <data-dir>/admin.token, generated).")
    var tokenFile: String?

    @Flag(name: .customLong("git-sync"), help: "Fast-forward the manifests' git checkout from its upstream before each reconcile.")
    var gitSync = false

    @Option(name: .customLong("notify-give-up-after"), help: "How long a notification is retried (backoff from 1 s to 5 min) before it is marked failed.")
    var notifyGiveUpAfter: String = "24h"

    @Option(name: .customLong("notify-flap-limit"), help: "Events of one policy delivered one by one within --notify-flap-window; more are held for one summary.")
    var notifyFlapLimit: Int = 5

    @Option(name: .customLong("notify-flap-window"), help: "The window of --notify-flap-limit, and how long until the summary goes out.")
    var notifyFlapWindow: String = "10m"

    @Option(name: .customLong("geoip-db"), help: "A MaxMind DB (.mmdb) for geo regions that match continents and countries.")
    var geoipDatabase: String?

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        // A parent may have left SIGTERM/SIGINT blocked (test runners do); the graceful shutdown needs them.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        guard let (host, port) = Self.hostPort(dnsListen) else {
            throw ValidationError("--dns-listen \"\(dnsListen)\" is not HOST:PORT or [IPv6]:PORT with a port from 0 to 65535")
        }
        guard let every = parseDuration(interval), every >= .milliseconds(100) else {
            throw ValidationError("--interval \"\(interval)\" is not a duration of at least 100ms such as 500ms, 5s or 1m")
        }
        guard let giveUpAfter = parseDuration(notifyGiveUpAfter), giveUpAfter >= .seconds(1) else {
            throw ValidationError("--notify-give-up-after \"\(notifyGiveUpAfter)\" is not a duration of at least 1s such as 30m, 24h or 7d")
        }
        guard let flapWindow = parseDuration(notifyFlapWindow), flapWindow >= .seconds(1), notifyFlapLimit >= 1 else {
            throw ValidationError("--notify-flap-limit must be at least 1 and --notify-flap-window a duration of at least 1s such as 10m")
        }
        guard let (adminHost, adminPort) = Self.hostPort(adminListen) else {
            throw ValidationError("--admin-listen \"\(adminListen)\" is not HOST:PORT or [IPv6]:PORT with a port from 0 to 65535")
        }
        let logger = Logger(label: "switchyard")
        let controller = DNSController(
            configuration: .init(manifests: [manifests], dnsHost: host, dnsPort: port, interval: every,
                                 geoipDatabase: geoipDatabase, dataDirectory: dataDirectory, adminHost: adminHost,
                                 adminPort: adminPort, tokenFile: tokenFile, gitSync: gitSync,
                                 notificationRetry: RetryPolicy(giveUpAfter: giveUpAfter), flapLimit: notifyFlapLimit,
                                 flapWindow: flapWindow),
            logger: logger)
        let service = ControllerService(controller: controller) { dns, admin in
            let shown = { (host: String) in host.contains(":") ? "[\(host)]" : host }
            print("switchyard: admin API on http://\(shown(adminHost)):\(admin)")
            print("switchyard: DNS on \(shown(host)):\(dns)")
            fflush(nil)
        }
        do {
            // SIGTERM or SIGINT: stop taking work, finish what is queued (applies included), close everything.
            try await ServiceGroup(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
        } catch let invalid as DNSController.InvalidManifests {
            for diagnostic in invalid.diagnostics { print(diagnostic) }
            print("switchyard: \(invalid)")
            throw ExitCode(1)
        }
    }

    /// `127.0.0.1:5353`, `[::1]:5353` or `localhost:53`.
    static func hostPort(_ text: String) -> (String, Int)? {
        let host: Substring
        let port: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            port = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let number = Int(port), (0...65535).contains(number) else { return nil }
        return (String(host), number)
    }
}

/// The controller as a service of swift-service-lifecycle: a graceful shutdown cancels its run, which
/// drains the control loop and stops the listeners.
struct ControllerService: Service {
    let controller: DNSController
    let onListening: @Sendable (Int, Int) -> Void

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await controller.run(onListening: onListening)
        }
    }
}
