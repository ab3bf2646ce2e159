import Authority
import DNSWire
import Foundation
import Logging
import Manifests
import Model
import NIOCore
import NIOPosix
import Server

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

        public init(manifests: [String], dnsHost: String, dnsPort: Int, interval: Duration) {
            self.manifests = manifests
            self.dnsHost = dnsHost
            self.dnsPort = dnsPort
            self.interval = interval
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
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let snapshots = SnapshotReference()
        var watcher = ManifestWatcher(paths: configuration.manifests)
        guard let (sources, readProblems) = watcher.changedSources() else { return }
        let first = ManifestCompiler.compile(sources)
        log(readProblems + first.diagnostics)
        guard let state = first.state, readProblems.isEmpty else {
            try? await group.shutdownGracefully()
            throw InvalidManifests(diagnostics: readProblems + first.diagnostics)
        }
        let notifier = NotifySender(group: group, logger: logger)
        var current = Snapshot.build(state, previous: nil, now: unixTime())
        snapshots.store(current)
        let server = DNSServer(configuration: .init(host: configuration.dnsHost, port: configuration.dnsPort),
                               snapshots: snapshots, group: group, logger: logger)
        let port = try await server.start()
        onListening(port)
        notifyChangedZones(from: nil, to: current, notifier: notifier)

        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.interval)
            guard let (sources, readProblems) = watcher.changedSources() else { continue }
            let result = ManifestCompiler.compile(sources)
            log(readProblems + result.diagnostics)
            guard let state = result.state, readProblems.isEmpty else {
                logger.error("manifests have errors; still serving the last good config",
                             metadata: ["errors": "\(result.errorCount + readProblems.count)"])
                continue
            }
            let next = Snapshot.build(state, previous: current, now: unixTime())
            snapshots.store(next)
            logger.info("config applied", metadata: ["zones": "\(next.zones.count)"])
            notifyChangedZones(from: current, to: next, notifier: notifier)
            current = next
        }
        await server.stop()
        try? await group.shutdownGracefully()
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
