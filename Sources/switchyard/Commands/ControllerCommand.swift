import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
// The one command that reaches into Controller: it runs one. Every other command goes through AdminAPI.
import Authority
import Controller
import DNSWire
import Logging
import Manifests
import Model
import Notify
import Server

/// `switchyard controller`: serves the manifests over DNS and follows their changes.
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller",
        abstract: "Serve the manifests as an authoritative DNS server and apply every change to them.",
        discussion: """
            Serves the last applied config from --data-dir at once, then reconciles the manifests: answers \
            DNS on --dns-listen (UDP and TCP), probes every monitored endpoint, reads the manifests every \
            second and applies them when they changed, are valid and the plan is safe. A change that cannot \
            be applied is logged, recorded as one reconcileFailed event, shown on /v1/state and retried with \
            backoff while the last good config keeps serving. Every --interval a config applied from \
            elsewhere is put back (a drift event), and with --git-sync the checkout is fetched first, each \
            git command bounded by --git-timeout. The admin API listens on --admin-listen. Prints \
            "switchyard: admin API on http://HOST:PORT" and "switchyard: DNS on HOST:PORT" on standard \
            output once listening and serving (port 0 picks a free one); logs go to standard error. One \
            controller per data directory. Exits 1 when another controller holds --data-dir, or when nothing \
            was ever applied and the manifests are invalid.
            """)

    @Option(help: "Manifest directory (or file).")
    var manifests: String = "manifests"

    @Option(name: .customLong("dns-listen"),
            help: "Address for DNS over UDP and TCP: HOST:PORT, [IPv6]:PORT; repeatable (IPv4 and IPv6, several addresses). Default 127.0.0.1:5353.")
    var dnsListen: [String] = []

    @Option(help: "How often to fetch git and undo drift: 500ms, 5s, 1m…")
    var interval: String = "30s"

    @Option(name: .customLong("data-dir"), help: "Where the state (SQLite), the lock and the generated admin token live.")
    var dataDirectory: String = ".switchyard"

    @Option(name: .customLong("admin-listen"), help: "Address of the admin API: HOST:PORT, [IPv6]:PORT.")
    var adminListen: String = "127.0.0.1:8053"

    @Option(name: .customLong("token-file"), help: "A file holding the admin token (default: SWITCHYARD_TOKEN, else <data-dir>/admin.token, generated).")
    var tokenFile: String?

    @Option(name: .customLong("git-sync"),
            help: ArgumentHelp("Keep the manifests' git checkout at its upstream: ff-only (fast-forward; what --git-sync alone means) or reset (hard reset: follows force-pushes, drops local edits).",
                               valueName: "mode"))
    var gitSync: GitSyncMode?

    @Option(name: .customLong("git-timeout"), help: "The longest one git command may run before it is killed (with everything it started).")
    var gitTimeout: String = "60s"

    @Option(name: .customLong("notify-give-up-after"), help: "How long a notification is retried (backoff from 1 s to 5 min) before it is marked failed.")
    var notifyGiveUpAfter: String = "24h"

    @Option(name: .customLong("notify-flap-limit"), help: "Events of one policy delivered one by one within --notify-flap-window; more are held for one summary.")
    var notifyFlapLimit: Int = 5

    @Option(name: .customLong("notify-flap-window"), help: "The window of --notify-flap-limit, and how long until the summary goes out.")
    var notifyFlapWindow: String = "10m"

    @Option(help: "How long events and finished deliveries are kept.")
    var retain: String = "30d"

    @Option(name: .customLong("journal-versions"), help: "How many versions of each zone IXFR can reach back (a change a minute is 1,440 a day); 0 answers every IXFR with the whole zone.")
    var journalVersions: Int = 2000

    @Option(name: .customLong("journal-bytes"), help: "How many octets of changes each zone's journal keeps: a number, or with K, M or G (1024-based).")
    var journalBytes: String = "8M"

    @Option(name: .customLong("geoip-db"), help: "A MaxMind DB (.mmdb) for geo regions that match continents and countries.")
    var geoipDatabase: String?

    @Option(name: .customLong("admin-tls-cert"), help: "Serve the admin API over HTTPS with this PEM certificate chain (with --admin-tls-key).")
    var adminTLSCertificate: String?

    @Option(name: .customLong("admin-tls-key"), help: "The PEM private key of --admin-tls-cert.")
    var adminTLSKey: String?

    @Option(name: .customLong("tcp-idle-timeout"), help: "A DNS TCP connection with no whole query for this long is closed (RFC 7766).")
    var tcpIdleTimeout: String = "10s"

    @Option(name: .customLong("tcp-max-connections"), help: "DNS TCP connections at most; past it a new one replaces the one idle longest.")
    var tcpMaxConnections: Int = 1024

    @Option(name: .customLong("tcp-max-per-client"), help: "DNS TCP connections at most from one client address.")
    var tcpMaxPerClient: Int = 32

    @Option(name: .customLong("rrl-rate"), help: "Response rate limiting: UDP responses per second per client network (/24, /56) and answer; 0 turns it off.")
    var rrlRate: Int = 200

    @Option(name: .customLong("rrl-slip"), help: "Every this many responses rate limiting drops, one goes out truncated (the client retries over TCP); 0: none.")
    var rrlSlip: Int = 2

    @Option(name: .customLong("rrl-exempt"), help: "A network (CIDR or address) never rate limited; repeatable; \"none\" clears the default (the loopback networks).")
    var rrlExempt: [String] = []

    @Flag(name: .customLong("require-cookie"), help: "Over UDP, answer a query whose DNS cookie has no valid server cookie with BADCOOKIE and a fresh one (RFC 7873); queries without a cookie are answered.")
    var requireCookie = false

    @Option(help: "This server's name identifier, sent to queries that ask for it (RFC 5001 NSID): text, or hex:0123… for octets; none by default.")
    var nsid: String?

    @Option(help: "This controller's node name in the manifests' Fleet: it probes from here and agrees on health with the other nodes by quorum.")
    var node: String?

    @Option(name: .customLong("log-level"), help: "The least severe log lines written: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        // A parent may have left SIGTERM/SIGINT blocked (test runners do); the graceful shutdown needs them.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        let configuration = try controllerConfiguration()
        // Each DNS TCP connection is a descriptor: take the hard limit, not the shell's soft 1024.
        var files = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &files) == 0, files.rlim_cur < files.rlim_max {
            files.rlim_cur = files.rlim_max
            setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &files)
        }
        let logger = Logger(label: "switchyard")
        let (host, adminHost) = (configuration.dnsHost, configuration.adminHost)
        let controller = DNSController(configuration: configuration, logger: logger)
        do {
            try await controller.run { dns, admin in
                let shown = { (host: String) in host.contains(":") ? "[\(host)]" : host }
                print("switchyard: admin API on \(configuration.adminTLS == nil ? "http" : "https")://\(shown(adminHost)):\(admin)")
                print("switchyard: DNS on \(shown(host)):\(dns)")
                for listener in configuration.additionalDNSListeners { print("switchyard: DNS on \(shown(listener.host)):\(listener.port)") }
                fflush(nil)
            }
        } catch let outside as DNSController.NotInFleet {
            printError("switchyard: \(outside)")
            throw ExitCode(1)
        } catch let invalid as DNSController.InvalidManifests {
            for error in invalid.errors { printError(error) }
            printError("switchyard: \(invalid)")
            throw ExitCode(1)
        } catch {
            printError("switchyard: \(error)")
            throw ExitCode(1)
        }
    }

    /// The flags, checked: each bad value is a usage error that says what is allowed.
    private func controllerConfiguration() throws -> ControllerConfiguration {
        var listeners: [(host: String, port: Int)] = []
        for text in dnsListen.isEmpty ? ["127.0.0.1:5353"] : dnsListen {
            guard let (host, port) = Self.hostPort(text) else {
                throw ValidationError("--dns-listen \"\(text)\" is not HOST:PORT or [IPv6]:PORT with a port from 0 to 65535")
            }
            guard !listeners.isEmpty ? port != 0 : true else {
                throw ValidationError("--dns-listen \"\(text)\": only the first address may take port 0 (a free port); give the others theirs")
            }
            guard !listeners.contains(where: { $0.host == host && $0.port == port }) else {
                throw ValidationError("--dns-listen \"\(text)\" is given twice")
            }
            listeners.append((host, port))
        }
        let (host, port) = listeners[0]
        guard let (adminHost, adminPort) = Self.hostPort(adminListen) else {
            throw ValidationError("--admin-listen \"\(adminListen)\" is not HOST:PORT or [IPv6]:PORT with a port from 0 to 65535")
        }
        guard let every = parseDuration(interval), every >= .milliseconds(100) else {
            throw ValidationError("--interval \"\(interval)\" is not a duration of at least 100ms such as 500ms, 5s or 1m")
        }
        guard let gitLimit = parseDuration(gitTimeout), gitLimit >= .milliseconds(100) else {
            throw ValidationError("--git-timeout \"\(gitTimeout)\" is not a duration of at least 100ms such as 30s or 2m")
        }
        guard let giveUpAfter = parseDuration(notifyGiveUpAfter), giveUpAfter >= .seconds(1) else {
            throw ValidationError("--notify-give-up-after \"\(notifyGiveUpAfter)\" is not a duration of at least 1s such as 30m, 24h or 7d")
        }
        guard let flapWindow = parseDuration(notifyFlapWindow), flapWindow >= .seconds(1), notifyFlapLimit >= 1 else {
            throw ValidationError("--notify-flap-limit must be at least 1 and --notify-flap-window a duration of at least 1s such as 10m")
        }
        guard let kept = parseDuration(retain), kept >= .seconds(3600) else {
            throw ValidationError("--retain \"\(retain)\" is not a duration of at least 1h such as 7d or 30d")
        }
        guard journalVersions >= 0, let journalSize = Self.byteCount(journalBytes), journalSize >= 1024 else {
            throw ValidationError("--journal-versions must be 0 or more and --journal-bytes a size of at least 1K such as 512K, 8M or 1G")
        }
        guard (adminTLSCertificate == nil) == (adminTLSKey == nil) else {
            throw ValidationError("--admin-tls-cert and --admin-tls-key go together: the certificate chain and its private key, both PEM")
        }
        guard let tcpIdle = parseDuration(tcpIdleTimeout), tcpIdle >= .milliseconds(100), tcpMaxConnections >= 1, tcpMaxPerClient >= 1 else {
            throw ValidationError("--tcp-idle-timeout is a duration of at least 100ms such as 10s; --tcp-max-connections and --tcp-max-per-client at least 1")
        }
        guard rrlRate >= 0, rrlSlip >= 0 else {
            throw ValidationError("--rrl-rate and --rrl-slip are 0 or more (0 turns limiting, or slipping, off)")
        }
        var exempt = ResponseRateLimiter.Settings.loopback
        if !rrlExempt.isEmpty {
            exempt = []
            for text in rrlExempt where text != "none" {
                if let network = CIDR(text) {
                    exempt.append(.init(address: network.address, prefixLength: network.prefixLength))
                } else if let address = IPAddress(text) {
                    let length: UInt8 = if case .v4 = address { 32 } else { 128 }
                    exempt.append(.init(address: address, prefixLength: length))
                } else {
                    throw ValidationError("--rrl-exempt \"\(text)\" is not a network (192.0.2.0/24, 2001:db8::/32), an address, or none")
                }
            }
        }
        var identifier: [UInt8]? = nil
        if let nsid {
            identifier = nsid.hasPrefix("hex:") ? Self.hexOctets(nsid.dropFirst(4)) : Array(nsid.utf8)
            guard let octets = identifier, !octets.isEmpty, octets.count <= 128 else {
                throw ValidationError("--nsid is text or hex: followed by an even number of hex digits, 1 to 128 octets")
            }
        }
        var configuration = ControllerConfiguration(
            manifests: [manifests], dnsHost: host, dnsPort: port, interval: every, geoipDatabase: geoipDatabase,
            dataDirectory: dataDirectory, adminHost: adminHost, adminPort: adminPort, tokenFile: tokenFile, gitSync: gitSync,
            gitTimeout: gitLimit, notificationRetry: RetryPolicy(giveUpAfter: giveUpAfter), flapLimit: notifyFlapLimit,
            flapWindow: flapWindow, retain: kept, journal: JournalLimits(versions: journalVersions, bytes: journalSize), node: node,
            adminTLS: adminTLSCertificate.flatMap { certificate in adminTLSKey.map { AdminTLS(certificate: certificate, key: $0) } },
            rateLimit: ResponseRateLimiter.Settings(rate: rrlRate, slip: rrlSlip, exempt: exempt),
            tcpMaxConnections: tcpMaxConnections, tcpMaxConnectionsPerClient: tcpMaxPerClient, tcpIdleTimeout: tcpIdle)
        configuration.additionalDNSListeners = Array(listeners.dropFirst())
        configuration.requireCookie = requireCookie
        configuration.nsid = identifier
        return configuration
    }

    /// `0a1B…` as octets; nil unless an even number of hex digits.
    static func hexOctets(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var octets: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = UInt8(String(UnicodeScalar(digits[index])), radix: 16),
                  let low = UInt8(String(UnicodeScalar(digits[index + 1])), radix: 16) else { return nil }
            octets.append(high << 4 | low)
        }
        return octets
    }

    /// `8388608`, `512K`, `8M`, `1G` (1024-based).
    static func byteCount(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let unit = text.last.flatMap({ units[$0] }) { return Int(text.dropLast()).flatMap { $0.multipliedReportingOverflow(by: unit).overflow ? nil : $0 * unit } }
        return Int(text)
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

extension GitSyncMode: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
