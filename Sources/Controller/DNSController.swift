import Authority
import DNSWire
import Foundation
import Hummingbird
import Logging
import Manifests
import Model
import Monitor
import NIOCore
import NIOPosix
import Notify
import Reconcile
import Server
import ServiceLifecycle
import Store
#if canImport(Glibc)
import Glibc
#endif

/// Wires manifests, the store, the health monitor, the snapshot, the DNS server, NOTIFY and the admin
/// API together. One control loop takes, one at a time: manifest ticks (reconcile the manifests
/// directory), health updates (rebuild answers, record events) and applies from the admin API. Every
/// apply goes the same way: compile, plan against the live generation, refuse when stale or unsafe,
/// store (one transaction), then snapshot, monitor targets and NOTIFY.
public final class DNSController: Sendable {
    public struct Configuration: Sendable {
        public var manifests: [String]
        public var dnsHost: String
        public var dnsPort: Int
        /// How often the manifests are read again (and drift undone).
        public var interval: Duration
        /// A MaxMind DB for geo regions that match continents and countries.
        public var geoipDatabase: String?
        public var dataDirectory: String
        public var adminHost: String
        public var adminPort: Int
        public var tokenFile: String?
        /// Fast-forward the manifests' git checkout from its upstream before each reconcile.
        public var gitSync: Bool
        /// How notifications are retried, and for how long.
        public var notificationRetry: RetryPolicy
        /// More than `flapLimit` events of one policy within `flapWindow` are held back for one summary.
        public var flapLimit: Int
        public var flapWindow: Duration

        public init(manifests: [String], dnsHost: String, dnsPort: Int, interval: Duration, geoipDatabase: String? = nil,
                    dataDirectory: String = ".switchyard", adminHost: String = "127.0.0.1", adminPort: Int = 8053,
                    tokenFile: String? = nil, gitSync: Bool = false, notificationRetry: RetryPolicy = RetryPolicy(),
                    flapLimit: Int = 5, flapWindow: Duration = .seconds(600)) {
            self.flapLimit = flapLimit
            self.flapWindow = flapWindow
            self.gitSync = gitSync
            self.notificationRetry = notificationRetry
            self.manifests = manifests
            self.dnsHost = dnsHost
            self.dnsPort = dnsPort
            self.interval = interval
            self.geoipDatabase = geoipDatabase
            self.dataDirectory = dataDirectory
            self.adminHost = adminHost
            self.adminPort = adminPort
            self.tokenFile = tokenFile
        }
    }

    public struct AdminUnavailable: Error, CustomStringConvertible {
        let reason: String
        public var description: String { "the admin API could not listen: \(reason)" }
    }

    public struct InvalidManifests: Error, CustomStringConvertible {
        public let diagnostics: [Diagnostic]
        public var description: String { "the manifests have errors and nothing was applied before; nothing to serve" }
    }

    /// What the control loop reacts to, one at a time.
    private enum Input {
        /// Time to look at the manifests again; `full` every `interval` (git sync and drift), else only
        /// whether the files changed.
        case tick(full: Bool)
        case health(HealthUpdate)
        case apply(AdminAPI.ApplyRequest, CheckedContinuation<Result<AdminAPI.ApplyResult, AdminFailure>, Never>)
    }

    private let configuration: Configuration
    private let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Serves the last applied config at once (with the last known health), then reconciles the
    /// manifests and follows every change of manifests or health until the task is cancelled. `onListening`
    /// gets the DNS and admin ports once all sockets are bound. Throws `InvalidManifests` when nothing
    /// was ever applied and the manifests have errors.
    public func run(onListening: @Sendable (_ dns: Int, _ admin: Int) -> Void = { _, _ in }) async throws {
        let geoip = try configuration.geoipDatabase.map { try GeoIPDatabase(path: $0) }
        let store = try Store(directory: configuration.dataDirectory)
        let token = try AdminToken.resolve(environment: ProcessInfo.processInfo.environment, tokenFile: configuration.tokenFile,
                                           dataDirectory: configuration.dataDirectory)
        var watcher = ManifestWatcher(paths: configuration.manifests)
        let live = LiveView()
        let (inputs, input) = AsyncStream<Input>.makeStream()
        let logger = logger
        let monitor = try HealthMonitor(
            onResult: { key, result in
                live.record(result, for: key)
                logger.debug("probe", metadata: ["monitor": "\(key.monitor)", "endpoint": "\(key.value)", "result": "\(result)"])
            },
            onUpdate: { input.yield(.health($0)) })
        let metrics = ControllerMetrics()
        var loop = ControlLoop(store: store, geoip: geoip, live: live, monitor: monitor, metrics: metrics, logger: logger)
        loop.flapGuard = FlapGuard(limit: configuration.flapLimit, window: configuration.flapWindow.secondsValue)
        try loop.restore()
        // The digest of the manifests last read (nil when unreadable), and (attemptedAt) the generation
        // live after the last attempt to apply them.
        var manifestDigest: Int? = nil
        if loop.generation == 0 {
            // Nothing applied yet: the manifests must be valid now, or there is nothing to serve.
            let (sources, problems) = watcher.changedSources() ?? ([], [])
            let files = sources.map(SourceFile.init)
            guard problems.isEmpty,
                  case .success = loop.apply(files, revision: gitRevision(), baseGeneration: 0, checksum: nil, force: true, origin: "manifests")
            else {
                throw InvalidManifests(diagnostics: problems + ManifestCompiler.compile(sources).diagnostics)
            }
            manifestDigest = SourceFile.digest(files)
        }
        ControlLoop.releaseMemory()

        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let notifier = NotifySender(group: group, logger: logger)
        loop.notifier = notifier
        let server = DNSServer(configuration: .init(host: configuration.dnsHost, port: configuration.dnsPort,
                                                    keyring: TSIGKeys.keyring(for: loop.current, logger: logger)),
                               snapshots: loop.snapshots, group: group, logger: logger)
        let dnsPort: Int
        do {
            dnsPort = try await server.start()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        let snapshots = loop.snapshots
        let backend = Backend(live: live, store: store, input: input, metrics: {
            metrics.text(responses: server.responsesByRCode, policies: snapshots.load().policyQueryCounts())
        })
        let (adminPorts, adminPort) = AsyncStream<Int>.makeStream()
        let admin = AdminServer.application(host: configuration.adminHost, port: configuration.adminPort, token: token,
                                            backend: backend, logger: logger) { adminPort.yield($0) }
        // Its own service group, so that stopping it is a graceful shutdown (in-flight requests finish).
        let adminGroup = ServiceGroup(configuration: .init(services: [.init(service: admin)], logger: logger))
        let adminTask = Task {
            defer { adminPort.finish() }  // a failure to bind ends the wait below
            try await adminGroup.run()
        }
        var adminIterator = adminPorts.makeAsyncIterator()
        guard let boundAdmin = await adminIterator.next() else {
            await server.stop()
            try? await group.shutdownGracefully()
            if case .failure(let error) = await adminTask.result { throw AdminUnavailable(reason: "\(error)") }
            throw CancellationError()
        }

        monitor.start()
        let notifications = NotificationWorker(store: store, live: live, retry: configuration.notificationRetry, metrics: metrics,
                                               logger: logger)
        let notifying = Task { await notifications.run() }
        // File changes are noticed within a second (a content hash: works on every file system, and
        // across git checkouts that replace files); git sync and drift every interval.
        let ticker = Task { [interval = configuration.interval] in
            let clock = ContinuousClock()
            var nextFull = clock.now
            while !Task.isCancelled {
                let full = clock.now >= nextFull
                if full { nextFull = clock.now + interval }
                input.yield(.tick(full: full))
                try? await Task.sleep(for: min(interval, .seconds(1)))
            }
        }
        onListening(dnsPort, boundAdmin)
        loop.notifyChangedZones(from: nil)
        var attemptedAt = loop.generation

        await withTaskCancellationHandler {
            for await next in inputs {
                switch next {
                case .tick(let full):
                    loop.sendDueSummaries()
                    if full, configuration.gitSync, let failure = fastForward() {
                        loop.fail("git sync failed; reconciling the checkout as it is", detail: [failure])
                    }
                    let files: [SourceFile]
                    if let (sources, problems) = watcher.changedSources() {
                        guard problems.isEmpty else {
                            manifestDigest = nil
                            loop.fail("the manifests cannot be read", detail: problems.map(\.description))
                            continue
                        }
                        files = sources.map(SourceFile.init)
                        manifestDigest = SourceFile.digest(files)
                        // Exactly what is live (a restart on unchanged manifests): nothing to compile or plan.
                        if manifestDigest == loop.sourcesDigest { continue }
                    } else if full, manifestDigest != nil, loop.generation != attemptedAt, manifestDigest != loop.sourcesDigest {
                        // In controller mode the manifests are the truth: a config applied from elsewhere is undone.
                        logger.warning("drift: the live config is not the manifests'; applying the manifests again",
                                       metadata: ["generation": "\(loop.generation)"])
                        files = ManifestFiles.read(configuration.manifests).sources.map(SourceFile.init)
                    } else {
                        continue
                    }
                    _ = loop.apply(files, revision: gitRevision(), baseGeneration: loop.generation, checksum: nil, force: false,
                                   origin: "manifests")
                    attemptedAt = loop.generation
                    ControlLoop.releaseMemory()
                case .health(let update):
                    loop.follow(update)
                case .apply(let request, let reply):
                    reply.resume(returning: loop.apply(request.sources, revision: request.revision, baseGeneration: request.baseGeneration,
                                                       checksum: request.checksum, force: request.force, origin: "admin API"))
                    ControlLoop.releaseMemory()
                }
            }
        } onCancel: {
            input.finish()
        }
        logger.info("shutting down: applies queued before the signal are done; closing the listeners")
        ticker.cancel()
        notifying.cancel()
        await adminGroup.triggerGracefulShutdown()
        _ = await adminTask.result
        monitor.stop()
        await server.stop()
        try? await group.shutdownGracefully()
    }

    private func gitRevision() -> String? {
        configuration.manifests.first.flatMap(GitCheckout.revision)
    }

    private func fastForward() -> String? {
        configuration.manifests.first.flatMap(GitCheckout.fastForward)
    }

    /// The admin API's view of the controller.
    private struct Backend: AdminBackend {
        let live: LiveView
        let store: Store
        let input: AsyncStream<Input>.Continuation
        let metrics: @Sendable () -> String

        func state(withSources: Bool) -> AdminAPI.State {
            withSources ? live.state { (try? store.latest())?.sources ?? [] } : live.state()
        }

        func apply(_ request: AdminAPI.ApplyRequest) async -> Result<AdminAPI.ApplyResult, AdminFailure> {
            await withCheckedContinuation { reply in
                if case .terminated = input.yield(.apply(request, reply)) {
                    reply.resume(returning: .failure(AdminFailure(.serviceUnavailable, "the controller is shutting down")))
                }
            }
        }

        func events(after sequence: Int) throws -> AdminAPI.Events {
            AdminAPI.Events(events: try store.events(after: sequence).map { event in
                AdminAPI.Event(sequence: event.sequence, id: event.id, time: AdminAPI.iso8601(event.time), kind: event.kind,
                               subject: event.subject, summary: EventRecords.summary(event.body),
                               deliveries: event.deliveries.map {
                                   .init(notifier: $0.notifier, channel: $0.channel, state: $0.state, attempts: $0.attempts, lastError: $0.lastError)
                               })
            })
        }
    }
}

extension SourceFile {
    init(_ source: ManifestSource) {
        self.init(path: source.path, text: String(decoding: source.bytes, as: UTF8.self))
    }

    /// Tells two sets of manifests apart within this process (paths and text).
    static func digest(_ files: [SourceFile]) -> Int {
        var hasher = Hasher()
        for file in files {
            hasher.combine(file.path)
            hasher.combine(file.text)
        }
        return hasher.finalize()
    }
}
