import Authority
import DNSWire
import Foundation
import Logging
import Manifests
import Model
import NIOCore
import NIOPosix
import Server
#if canImport(Glibc)
import Glibc
#endif

/// Wires manifests, the snapshot, the DNS server and NOTIFY together. This is the first cut of the
/// controller (issue 4): it serves the manifests and follows their changes. Store, admin API, monitor
/// and notifier join it in later issues.
public final class DNSController: Sendable {
    public struct Configuration: Sendable {
        public var manifests: [String]
        public var dnsHost: String
        public var dnsPort: Int
        /// How often the manifests are read again.
        public var interval: Duration
        /// A MaxMind DB for geo regions that match continents and countries.
        public var geoipDatabase: String?

        public init(manifests: [String], dnsHost: String, dnsPort: Int, interval: Duration, geoipDatabase: String? = nil) {
            self.manifests = manifests
            self.dnsHost = dnsHost
            self.dnsPort = dnsPort
            self.interval = interval
            self.geoipDatabase = geoipDatabase
        }
    }

    public struct InvalidManifests: Error, CustomStringConvertible {
        public let diagnostics: [Diagnostic]
        public var description: String { "the manifests have errors; nothing to serve" }
    }

    private let configuration: Configuration
    private let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Loads the manifests, serves them, and applies every later change until the task is cancelled.
    /// `onListening` gets the DNS port once both sockets are bound. Throws `InvalidManifests` when the
    /// first load has errors: there is nothing to serve yet.
    public func run(onListening: @Sendable (Int) -> Void = { _ in }) async throws {
        let geoip = try configuration.geoipDatabase.map { try GeoIPDatabase(path: $0) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let snapshots = SnapshotReference()
        var watcher = ManifestWatcher(paths: configuration.manifests)
        // The first read always reports a change.
        let initial = load(&watcher, geoip: geoip, previous: nil) ?? .invalid(diagnostics: [])
        guard case .changed(let first, _) = initial else {
            try? await group.shutdownGracefully()
            throw InvalidManifests(diagnostics: initial.diagnostics)
        }
        let notifier = NotifySender(group: group, logger: logger)
        var current = first
        snapshots.store(current)
        let server = DNSServer(configuration: .init(host: configuration.dnsHost, port: configuration.dnsPort,
                                                    keyring: TSIGKeys.keyring(for: first, logger: logger)),
                               snapshots: snapshots, group: group, logger: logger)
        let port = try await server.start()
        onListening(port)
        notifyChangedZones(from: nil, to: current, notifier: notifier)

        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.interval)
            switch load(&watcher, geoip: geoip, previous: current) {
            case nil:
                continue
            case .invalid(let diagnostics)?:
                logger.error("manifests have errors; still serving the last good config",
                             metadata: ["errors": "\(diagnostics.filter { $0.severity == .error }.count)"])
                continue
            case .changed(let next, _)?:
                snapshots.store(next)
                logger.info("config applied", metadata: ["zones": "\(next.zones.count)"])
                notifyChangedZones(from: current, to: next, notifier: notifier)
                current = next
            }
        }
        await server.stop()
        try? await group.shutdownGracefully()
    }

    private enum LoadResult {
        case changed(Snapshot, diagnostics: [Diagnostic])
        case invalid(diagnostics: [Diagnostic])

        var diagnostics: [Diagnostic] {
            switch self {
            case .changed(_, let diagnostics), .invalid(let diagnostics): diagnostics
            }
        }
    }

    /// Reads the manifests and, when they changed, compiles them into a snapshot after
    /// `previous`. Nil when nothing changed. Everything read and parsed is released before it returns:
    /// only the snapshot stays, and freed memory is handed back to the system (the YAML of a million
    /// records is several times the size of what is served).
    private func load(_ watcher: inout ManifestWatcher, geoip: GeoIPDatabase?, previous: Snapshot?) -> LoadResult? {
        let result: LoadResult? = {
            guard let (sources, readProblems) = watcher.changedSources() else { return nil }
            let compiled = ManifestCompiler.compile(sources)
            let diagnostics = readProblems + compiled.diagnostics
            log(diagnostics)
            guard let state = compiled.state, readProblems.isEmpty else { return .invalid(diagnostics: diagnostics) }
            return .changed(Snapshot.build(state, geoip: geoip, previous: previous, now: unixTime()), diagnostics: diagnostics)
        }()
        #if os(Linux)
        _ = releaseFreeMemory(0)
        #endif
        return result
    }

    /// NOTIFY every secondary of each zone that is new or has a new serial.
    private func notifyChangedZones(from old: Snapshot?, to new: Snapshot, notifier: NotifySender) {
        for zone in new.zones.values where old?.zones[zone.origin]?.serial != zone.serial {
            logger.info("zone serial", metadata: ["zone": "\(zone.origin)", "serial": "\(zone.serial)"])
            for secondary in zone.secondaries {
                let (origin, serial) = (zone.origin, zone.serial)
                Task { await notifier.notify(origin: origin, serial: serial, secondary: (secondary.address, secondary.port)) }
            }
        }
    }

    private func log(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics {
            if diagnostic.severity == .error {
                logger.error("\(diagnostic)")
            } else {
                logger.warning("\(diagnostic)")
            }
        }
    }

    private func unixTime() -> UInt32 {
        UInt32(clamping: Int(Date().timeIntervalSince1970))
    }
}

#if os(Linux)
/// glibc's malloc_trim(3), which the Glibc module does not export: returns freed heap to the system.
@_silgen_name("malloc_trim")
private func releaseFreeMemory(_ pad: Int) -> Int32
#endif
