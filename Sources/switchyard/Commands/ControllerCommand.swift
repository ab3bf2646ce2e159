import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Controller
import Logging
import Manifests

/// `switchyard controller`: serves the manifests over DNS and follows their changes.
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller",
        abstract: "Serve the manifests as an authoritative DNS server and apply every change to them.",
        discussion: """
            Loads the manifests, answers DNS on --dns-listen (UDP and TCP), reads the manifests again every \
            --interval and applies them when they changed and are valid; invalid changes are logged and the \
            last good config keeps serving. Prints "switchyard: DNS on HOST:PORT" on standard output once \
            listening (port 0 picks a free one); logs go to standard error. Exits 1 when the manifests are \
            invalid at start.
            """)

    @Option(help: "Manifest directory (or file).")
    var manifests: String = "manifests"

    @Option(name: .customLong("dns-listen"), help: "Address for DNS over UDP and TCP: HOST:PORT, [IPv6]:PORT.")
    var dnsListen: String = "127.0.0.1:5353"

    @Option(help: "How often to read the manifests again: 500ms, 5s, 1m…")
    var interval: String = "5s"

    @Option(name: .customLong("geoip-db"), help: "A MaxMind DB (.mmdb) for geo regions that match continents and countries.")
    var geoipDatabase: String?

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        guard let (host, port) = Self.hostPort(dnsListen) else {
            throw ValidationError("--dns-listen \"\(dnsListen)\" is not HOST:PORT or [IPv6]:PORT with a port from 0 to 65535")
        }
        guard let every = parseDuration(interval), every >= .milliseconds(100) else {
            throw ValidationError("--interval \"\(interval)\" is not a duration of at least 100ms such as 500ms, 5s or 1m")
        }
        let controller = DNSController(
            configuration: .init(manifests: [manifests], dnsHost: host, dnsPort: port, interval: every,
                                 geoipDatabase: geoipDatabase),
            logger: Logger(label: "switchyard"))
        do {
            try await controller.run { port in
                let shown = host.contains(":") ? "[\(host)]" : host
                print("switchyard: DNS on \(shown):\(port)")
                fflush(nil)
            }
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
