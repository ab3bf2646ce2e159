import Authority
import DNSWire
import Foundation
import Logging
import Manifests
import Model
import Monitor
import NIOCore
import NIOPosix
import Server
#if canImport(Glibc)
import Glibc
#endif

/// Wires manifests, the health monitor, the snapshot, the DNS server and NOTIFY together: it serves the
/// manifests, follows their changes, and rebuilds the snapshot on every change of health, logging the
/// failover events that caused. Store, admin API and notifier join it in later issues.
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

    /// What the control loop reacts to, one at a time.
    private enum Input {
        /// Time to read the manifests again.
        case tick
        case health(HealthUpdate)
    }

    /// Loads the manifests, serves them, probes their endpoints, and applies every later change of
    /// manifests or health until the task is cancelled. `onListening` gets the DNS port once both sockets
    /// are bound. Throws `InvalidManifests` when the first load has errors: there is nothing to serve yet.
    public func run(onListening: @Sendable (Int) -> Void = { _ in }) async throws {
        let geoip = try configuration.geoipDatabase.map { try GeoIPDatabase(path: $0) }
        var watcher = ManifestWatcher(paths: configuration.manifests)
        // The first read always reports a change. Until the first verdicts every endpoint is unknown,
        // served as up, so a restart fails nothing over.
        var health = HealthTable.allUnknown
        let initial = load(&watcher, geoip: geoip, health: health, previous: nil) ?? .invalid(diagnostics: [])
        guard case .changed(let first, let firstState, _) = initial else {
            throw InvalidManifests(diagnostics: initial.diagnostics)
        }
        let (inputs, input) = AsyncStream<Input>.makeStream()
        let logger = logger
        let monitor = try HealthMonitor(
            onResult: { key, result in
                logger.debug("probe", metadata: ["monitor": "\(key.monitor)", "endpoint": "\(key.value)", "result": "\(result)"])
            },
            onUpdate: { input.yield(.health($0)) })
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let snapshots = SnapshotReference()
        let notifier = NotifySender(group: group, logger: logger)
        var (current, state) = (first, firstState)
        snapshots.store(current)
        let server = DNSServer(configuration: .init(host: configuration.dnsHost, port: configuration.dnsPort,
                                                    keyring: TSIGKeys.keyring(for: current, logger: logger)),
                               snapshots: snapshots, group: group, logger: logger)
        let port: Int
        do {
            port = try await server.start()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }

        monitor.update(ProbeTarget.all(in: state))
        monitor.start()
        let ticker = Task { [interval = configuration.interval] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                input.yield(.tick)
            }
        }
        onListening(port)
        notifyChangedZones(from: nil, to: current, notifier: notifier)

        await withTaskCancellationHandler {
            for await next in inputs {
                switch next {
                case .tick:
                    switch load(&watcher, geoip: geoip, health: health, previous: current) {
                    case nil:
                        continue
                    case .invalid(let diagnostics)?:
                        logger.error("manifests have errors; still serving the last good config",
                                     metadata: ["errors": "\(diagnostics.filter { $0.severity == .error }.count)"])
                    case .changed(let snapshot, let newState, _)?:
                        snapshots.store(snapshot)
                        monitor.update(ProbeTarget.all(in: newState))
                        logger.info("config applied", metadata: ["zones": "\(snapshot.zones.count)"])
                        notifyChangedZones(from: current, to: snapshot, notifier: notifier)
                        (current, state) = (snapshot, newState)
                    }
                case .health(let update):
                    health = update.health
                    for change in update.changes { logger.info("endpoint health", metadata: change.logMetadata) }
                    let snapshot = Snapshot.build(state, health: health, geoip: geoip, previous: current, now: unixTime())
                    let events = FailoverEvents.between(current, snapshot, state: state, changes: update.changes,
                                                        time: update.changes.map(\.time).max() ?? Timestamp(date: Date()),
                                                        makeID: { UUID().uuidString.lowercased() })
                    snapshots.store(snapshot)
                    for event in events { logger.notice("failover event", metadata: event.logMetadata) }
                    notifyChangedZones(from: current, to: snapshot, notifier: notifier)
                    current = snapshot
                }
            }
        } onCancel: {
            input.finish()
        }
        ticker.cancel()
        monitor.stop()
        await server.stop()
        try? await group.shutdownGracefully()
    }

    private enum LoadResult {
        case changed(Snapshot, DesiredState, diagnostics: [Diagnostic])
        case invalid(diagnostics: [Diagnostic])

        var diagnostics: [Diagnostic] {
            switch self {
            case .changed(_, _, let diagnostics), .invalid(let diagnostics): diagnostics
            }
        }
    }

    /// Reads the manifests and, when they changed, compiles them into a snapshot after `previous`, its
    /// policies evaluated against `health`. Nil when nothing changed. Everything read and parsed is released before it returns:
    /// only the snapshot stays, and freed memory is handed back to the system (the YAML of a million
    /// records is several times the size of what is served).
    private func load(_ watcher: inout ManifestWatcher, geoip: GeoIPDatabase?, health: HealthTable,
                      previous: Snapshot?) -> LoadResult? {
        let result: LoadResult? = {
            guard let (sources, readProblems) = watcher.changedSources() else { return nil }
            let compiled = ManifestCompiler.compile(sources)
            let diagnostics = readProblems + compiled.diagnostics
            log(diagnostics)
            guard let state = compiled.state, readProblems.isEmpty else { return .invalid(diagnostics: diagnostics) }
            let snapshot = Snapshot.build(state, health: health, geoip: geoip, previous: previous, now: unixTime())
            return .changed(snapshot, state, diagnostics: diagnostics)
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
