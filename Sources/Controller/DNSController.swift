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
import ServiceLifecycle
import Store

/// A controller: every long-running part a `Service` in one `ServiceGroup`, around the control loop.
///
/// ```
/// DNSService ........... the listeners; answers from the current snapshot
/// MonitorService ....... probes; health goes to the loop
/// FleetService ......... in a fleet: pulls the peers' verdicts every probe interval
/// KeyringService ....... TSIG secrets, read again when the config or their files change
/// StoreWriter .......... health, events and delivery outcomes to SQLite, retried until stored
/// SourceService ........ the manifests directory (every second) and git (every interval, bounded)
/// ControlLoop .......... one task: input → ControlCore.step → effects
/// TransferService ...... NOTIFY to secondaries
/// NotificationService .. the outbox: email and webhooks
/// AdminService ......... the admin API; applies go to the loop
/// ```
///
/// They start in this order and a graceful shutdown (SIGTERM, SIGINT) stops them in reverse: the admin
/// API first (requests in flight finish), the loop after what was queued, the DNS listeners last.
public struct DNSController: Sendable {
    public struct InvalidManifests: Error, CustomStringConvertible {
        /// Every error, `file:line:column: …`.
        public let errors: [String]
        public var description: String { "the manifests have errors and nothing was applied before; nothing to serve" }
    }

    /// `--node` and the config's Fleet do not agree: this node is not listed, or it must be named.
    public struct NotInFleet: Error, CustomStringConvertible {
        public let problem: String
        public var description: String { problem }
    }

    private let configuration: ControllerConfiguration
    private let logger: Logger

    public init(configuration: ControllerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Serves the last applied config at once (with the last known health), then follows every change
    /// of manifests and health until a shutdown signal. `onListening` gets the DNS and admin ports once
    /// both are bound and a generation is served. Throws `DataDirectoryLock.Held` when another
    /// controller uses the data directory, and `InvalidManifests` when nothing was ever applied and the
    /// manifests have errors.
    public func run(onListening: @escaping @Sendable (_ dns: Int, _ admin: Int) -> Void = { _, _ in }) async throws {
        let lock = try DataDirectoryLock(directory: configuration.dataDirectory)
        defer { withExtendedLifetime(lock) {} }
        let store = try Store(directory: configuration.dataDirectory)
        let token = try AdminToken.resolve(environment: ProcessInfo.processInfo.environment, tokenFile: configuration.tokenFile,
                                           dataDirectory: configuration.dataDirectory)
        let geoip = try configuration.geoipDatabase.map { try GeoIPDatabase(path: $0) }
        let (core, first) = try bootstrap(store: store, geoip: geoip)
        MemoryRelease.trim()

        let logger = logger
        let inbox = ControlInbox()
        if let first { inbox.send(.manifests(first.candidate)) }
        let live = LiveView()
        let metrics = ControllerMetrics()
        let snapshots = SnapshotReference()
        let readiness = Readiness(ready: onListening)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let monitor = try HealthMonitor(
            onResult: { key, result in
                live.record(result, for: key)
                logger.debug("probe", metadata: ["monitor": "\(key.monitor)", "endpoint": "\(key.value)", "result": "\(result)"])
            },
            onUpdate: { inbox.send(.health($0)) })
        let writer = StoreWriter(store: store, metrics: metrics, logger: logger)
        let notifications = NotificationService(settings: .init(retry: configuration.notificationRetry), store: store, writer: writer,
                                                notifiers: { live.notifiers }, fleet: { live.fleet }, metrics: metrics, logger: logger)
        let fleet = FleetService(live: live, send: { inbox.send($0) })
        let keys = KeyringService(logger: logger)
        let transfers = TransferService(sender: NotifySender(group: group, logger: logger), keyring: keys.keyring, logger: logger)
        let targets = TargetService(group: group, keyring: keys.keyring, interval: configuration.interval,
                                    report: { inbox.send(.target($0, $1)) }, actsHere: { FleetDelivery.actsForTheFleet(live.fleet) },
                                    logger: logger)
        let source = SourceService(
            settings: .init(paths: configuration.manifests, keys: zoneKeys, interval: configuration.interval,
                            git: configuration.gitSync.flatMap { mode in
                                configuration.manifests.first.map { GitSync(directory: $0, mode: mode, timeout: configuration.gitTimeout) }
                            },
                            alreadySent: first?.fingerprint),
            liveDigest: { live.digest }, send: { inbox.send($0) }, metrics: metrics, logger: logger)
        var serverConfiguration = DNSServer.Configuration(host: configuration.dnsHost, port: configuration.dnsPort,
                                                          maxTCPConnections: configuration.tcpMaxConnections,
                                                          maxTCPConnectionsPerClient: configuration.tcpMaxConnectionsPerClient,
                                                          tcpIdleTimeout: .nanoseconds(configuration.tcpIdleTimeout.nanosecondCount),
                                                          keyring: keys.keyring, rateLimit: configuration.rateLimit)
        serverConfiguration.additionalAddresses = configuration.additionalDNSListeners
        serverConfiguration.requireCookie = configuration.requireCookie
        serverConfiguration.nsid = configuration.nsid
        let server = DNSServer(configuration: serverConfiguration, snapshots: snapshots, group: group, logger: logger)
        let loop = ControlLoop(core: core, inbox: inbox, services: .init(
            snapshots: snapshots, monitor: monitor, writer: writer, transfers: transfers, targets: targets, keys: keys, notifications: notifications, source: source,
            live: live, metrics: metrics, serving: { readiness.serving() }), logger: logger)
        let admin = AdminService(host: configuration.adminHost, port: configuration.adminPort, token: token, tls: configuration.adminTLS,
                                 backend: .init(live: live, store: store, inbox: inbox, keys: zoneKeys, metrics: metrics, snapshots: snapshots,
                                                responses: { server.responsesByRCode }, rateLimited: { server.rateLimited },
                                                signatures: core.settings.signatures),
                                 logger: logger, listening: { readiness.admin(listeningOn: $0) })

        let services: [any Service] = [DNSService(server: server, listening: { readiness.dns(listeningOn: $0) }),
                                       MonitorService(monitor: monitor), fleet, keys, writer, source, loop, transfers, targets, notifications, admin]
        let serviceGroup = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) },
                                                             gracefulShutdownSignals: configuration.shutdownSignals, logger: logger))
        do {
            try await serviceGroup.run()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
    }

    /// The Fleet lists this node's admin API as https and it has no certificate, or the other way round:
    /// its peers could not pull its verdicts.
    private func adminSchemeProblem(_ desired: DesiredState) -> String? {
        guard let name = configuration.node, let fleet = desired.fleet, fleet.nodes.count > 1, let node = fleet.node(named: name) else { return nil }
        switch (node.admin.hasPrefix("https://"), configuration.adminTLS != nil) {
        case (true, false): return "Fleet/\(fleet.name) lists node \(name)'s admin API as \(node.admin): start it with --admin-tls-cert and --admin-tls-key"
        case (false, true): return "Fleet/\(fleet.name) lists node \(name)'s admin API as \(node.admin), but --admin-tls-cert serves it over https"
        default: return nil
        }
    }

    /// The first manifests, read at start because nothing was ever applied.
    private struct FirstManifests {
        var candidate: Candidate
        var fingerprint: Int
    }

    /// The signing keys of signed zones, in the data directory or where manifests say.
    private var zoneKeys: ZoneKeys { ZoneKeys(dataDirectory: configuration.dataDirectory) }

    /// The core as the store left it: the last applied config, the last known health and the flap
    /// guard's memory; and, when nothing was ever applied, the manifests to apply first (which must be
    /// valid, or there is nothing to serve).
    private func bootstrap(store: Store, geoip: GeoIPDatabase?) throws -> (ControlCore, FirstManifests?) {
        let now = Timestamp(date: Date())
        var live = ControlCore.Live()
        if let latest = try store.latest() {
            live.generation = latest.generation
            if let desired = ManifestCompiler.compile(latest.sources.map(ManifestSource.init)).state {
                live.desired = desired
                live.revision = latest.revision
                live.checksum = latest.checksum
                live.appliedAt = Timestamp(date: latest.appliedAt)
                live.digest = SourceFile.digest(latest.sources)
                live.hostAddresses = HostResolver.addresses(for: desired)
                // A stored config whose key cannot be read now is served unsigned until it can: the
                // error is logged, and the next apply of the manifests reports it.
                switch zoneKeys.load(for: desired) {
                case .success(let keys):
                    live.signingKeys = keys
                    for (origin, key) in keys.sorted(by: { $0.key.description < $1.key.description }) {
                        logger.info("signing with key", metadata: ["zone": "\(origin)", "key": "\(key.algorithm)/\(key.keyTag)"])
                    }
                case .failure(let failures):
                    for error in failures.lines { logger.error("cannot load a zone's signing key", metadata: ["error": "\(error)"]) }
                }
                logger.info("serving the stored config", metadata: ["generation": "\(latest.generation)", "revision": "\(latest.revision ?? "-")"])
            } else {
                logger.error("the stored generation no longer compiles; serving nothing until the manifests apply",
                             metadata: ["generation": "\(latest.generation)"])
            }
        }
        var health = HealthTable()
        var since: [EndpointKey: Timestamp] = [:]
        for stored in try store.health() {
            health.set(stored.state, for: stored.endpoint)
            since[stored.endpoint] = Timestamp(date: stored.since)
        }
        var flaps = FlapGuard(limit: configuration.flapLimit, window: configuration.flapWindow)
        let history = try store.flapHistory(since: now.adding(.zero - configuration.flapWindow).date,
                                            kinds: FailoverEvent.Kind.allCases.map(\.rawValue))
        flaps.restore(history.compactMap { record in
            PolicyID(record.subject).map { ($0, record.id, record.kind, Timestamp(date: record.time), record.held) }
        }, now: now)
        // Each zone's last stored version: a zone that transfers the same after the restart keeps its
        // serial and journal, and its secondaries are not told anything.
        var restored: [Name: StoredZoneVersion] = [:]
        for stored in try store.zoneVersions() {
            restored[stored.origin] = StoredZoneVersion(serial: stored.serial, digest: ZoneDigest(value: stored.digest), journal: ZoneJournal(
                deltas: stored.journal.map { ZoneDelta(from: $0.from, to: $0.to, deleted: $0.deleted, added: $0.added) }))
        }
        let core = ControlCore(settings: .init(geoip: geoip, interval: configuration.interval, flapLimit: configuration.flapLimit,
                                               flapWindow: configuration.flapWindow, retain: configuration.retain,
                                               journal: configuration.journal, node: configuration.node,
                                               signatures: SignatureCache(clock: { UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970)) })),
                               live: live, health: health, since: since, flaps: flaps, restored: restored, now: now,
                               makeID: { UUID().uuidString.lowercased() })
        if live.generation > 0, let problem = core.fleetMembershipProblem(live.desired) ?? adminSchemeProblem(live.desired) {
            throw NotInFleet(problem: problem)
        }
        guard live.generation == 0 else { return (core, nil) }

        let (sources, problems) = ManifestFiles.read(configuration.manifests)
        let files = sources.map(SourceFile.init)
        var candidate = Candidate.compiling(files, revision: configuration.manifests.first.flatMap(ManifestFiles.revision(of:)),
                                            readProblems: problems)
        switch candidate.compiled {
        case .invalid(let errors):
            throw InvalidManifests(errors: errors)
        case .valid(let desired, _):
            if let problem = core.fleetMembershipProblem(desired) ?? adminSchemeProblem(desired) { throw NotInFleet(problem: problem) }
            candidate.prepare(keys: zoneKeys)
            if case .invalid(let errors) = candidate.compiled { throw InvalidManifests(errors: errors) }
            return (core, FirstManifests(candidate: candidate, fingerprint: SourceService.fingerprint(digest: candidate.digest, problems: [])))
        }
    }
}
