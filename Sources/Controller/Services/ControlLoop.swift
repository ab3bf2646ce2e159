import AdminAPI
import Authority
import Foundation
import Logging
import Model
import Monitor
import Targets
import ServiceLifecycle
import Synchronization

/// The control loop: one task that takes inputs one at a time from the inbox, asks the core what to do
/// (`ControlCore.step`), and carries out the effects. Nothing slow runs here: the store writes on its
/// writer, NOTIFY on the transfer service, reading and compiling manifests on the source service, so a
/// health change reaches the answers however slow the disk, git or a receiver is.
///
/// A graceful shutdown closes the inbox: what was queued before is done (applies included), a commit in
/// flight is waited for, and then the loop ends.
final class ControlLoop: Service, Sendable {
    /// Where the effects go.
    struct Services: Sendable {
        let snapshots: SnapshotReference
        let monitor: HealthMonitor
        let writer: StoreWriter
        let transfers: TransferService
        let targets: TargetService
        let keys: KeyringService
        let notifications: NotificationService
        let source: SourceService
        let live: LiveView
        let metrics: ControllerMetrics
        /// Called once a generation is served.
        let serving: @Sendable () -> Void
    }

    private let initial: ControlCore
    private let inbox: ControlInbox
    private let services: Services
    private let logger: Logger
    private let retry = Mutex<Task<Void, Never>?>(nil)

    init(core: ControlCore, inbox: ControlInbox, services: Services, logger: Logger) {
        initial = core
        self.inbox = inbox
        self.services = services
        self.logger = logger
        // Readers (the source service's digest among them) see the restored state before anything runs.
        publish(core, servingChanged: true)
    }

    func run() async throws {
        var core = initial
        var started = ContinuousClock.now
        var committing: ContinuousClock.Instant?
        execute(core.start(), core: core, started: started, committing: &committing)
        let ticker = Task { [inbox] in
            while (try? await Task.sleep(for: .seconds(1))) != nil { inbox.send(.tick) }
        }
        await withGracefulShutdownHandler {
            var stopping = false
            for await envelope in inbox.envelopes {
                switch envelope {
                case .stop:
                    logger.info("shutting down: applies queued before the signal are done; closing the listeners")
                    stopping = true
                case .input(let input):
                    started = .now
                    let effects = core.step(input, now: Timestamp(date: Date()))
                    logger.trace("control step", metadata: ["input": "\(input.name)", "effects": "\(effects.map(\.label))"])
                    execute(effects, core: core, started: started, committing: &committing)
                    // A fleet's evidence and peer freshness move with every pull and tick, changed answers or not.
                    if effects.isEmpty && core.isFleet { publish(core, servingChanged: false) }
                }
                if stopping && core.inFlight == nil { break }
            }
        } onGracefulShutdown: { [inbox] in
            inbox.close()
        }
        ticker.cancel()
        retry.withLock { $0?.cancel() }
        inbox.finish()
    }

    private func execute(_ effects: [ControlEffect], core: ControlCore, started: ContinuousClock.Instant,
                         committing: inout ContinuousClock.Instant?) {
        var served = false
        for effect in effects {
            switch effect {
            case .commit(let commit):
                committing = started
                let (writer, inbox) = (services.writer, inbox)
                Task { inbox.sendFromLoop(.committed(await writer.commit(commit))) }
            case .serve(let snapshot):
                services.snapshots.store(snapshot)
                served = true
            case .push(let targets, let sets):
                services.targets.update(targets, sets)
                services.live.pushing(targets, sets)
            case .probe(let targets, let known):
                services.monitor.update(targets, knownHealth: known)
            case .record(let record):
                let notifications = services.notifications
                if record.events.contains(where: { !$0.deliveries.isEmpty }) {
                    services.writer.enqueue(.record(record)) { notifications.wake() }
                } else {
                    services.writer.enqueue(.record(record))
                }
            case .notify(let zones):
                services.transfers.notify(zones)
            case .keys(let keys):
                services.keys.update(keys)
            case .reply(let id, let result):
                inbox.reply(id, result)
            case .readManifests:
                services.source.readNow()
            case .requeue(let delay):
                let inbox = inbox
                retry.withLock { timer in
                    timer?.cancel()
                    timer = Task {
                        guard (try? await Task.sleep(for: delay)) != nil else { return }
                        inbox.send(.retry)
                    }
                }
            case .prune(let before):
                services.writer.prune(before: before)
            case .report(let report):
                self.report(report, started: report.isApplied ? committing ?? started : started)
                if report.isApplied {
                    committing = nil
                    MemoryRelease.trim()
                }
            }
        }
        guard !effects.isEmpty else { return }
        publish(core, servingChanged: served)
        if served && core.live.generation > 0 { services.serving() }
    }

    /// What readers see: the admin API, the source service's digest, the metrics.
    private func publish(_ core: ControlCore, servingChanged: Bool) {
        let reasons = servingChanged ? core.snapshot.servingReasons(state: core.live.desired) : [:]
        let serving = servingChanged
            ? core.snapshot.servingDescriptions(state: core.live.desired).map {
                AdminAPI.Serving(policy: $0.policy.description, answer: $0.answer, reason: reasons[$0.policy])
            }
            : nil
        let lastError = core.lastError.map { AdminAPI.ReconcileError(time: $0.since.iso8601, error: $0.error, detail: $0.detail) }
        let zones = servingChanged
            ? core.snapshot.zones.values.map { zone in
                AdminAPI.ZoneSerial(zone: zone.name, serial: zone.serial, journal: zone.journal.deltas.count, dnssec: zone.signer.map { signer in
                    let ttl = zone.soa.ttl
                    return AdminAPI.ZoneKey(keyTag: Int(signer.key.keyTag), algorithm: Int(signer.key.algorithm),
                                            dnskey: "\(zone.origin) \(ttl) IN DNSKEY \(signer.key.dnskey)",
                                            ds: "\(zone.origin) \(ttl) IN DS \(signer.ds)")
                })
            }
                .sorted { $0.zone < $1.zone }
            : nil
        let keys = core.targets.map(\.key)
        let fleet = core.isFleet ? core.fleetPublication(now: Timestamp(date: Date())) : nil
        services.live.publish { view in
            view.fleet = fleet
            view.generation = core.live.generation
            view.revision = core.live.revision
            view.appliedAt = core.live.appliedAt
            view.checksum = core.live.checksum
            view.digest = core.live.digest
            if let serving { view.serving = serving }
            if let zones { view.zones = zones }
            view.health = core.health
            view.since = core.since
            view.lastError = lastError
            view.targets = keys
            view.notifiers = Dictionary(core.live.desired.notifiers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        }
        services.metrics.published(generation: core.live.generation)
        if servingChanged { services.metrics.health(core.health, targets: keys) }
        services.metrics.fleet(fleet)
    }

    /// Logs and counts what happened.
    private func report(_ report: Report, started: ContinuousClock.Instant) {
        let metrics = services.metrics
        let elapsed = started.duration(to: .now)
        switch report {
        case .applied(let generation, let revision, let summary, let checksum, let origin):
            metrics.reconciled(.applied, in: elapsed)
            logger.info("config applied", metadata: ["generation": "\(generation)", "revision": "\(revision ?? "-")", "plan": "\(summary)",
                                                     "checksum": "\(checksum)", "from": "\(origin)"])
        case .unchanged:
            metrics.reconciled(.unchanged, in: elapsed)
        case .rejected(let failure, let origin, let first):
            metrics.reconciled(ControllerMetrics.ReconcileResult(failure), in: elapsed)
            if origin == .manifests && !first {
                logger.debug("the manifests still do not apply", metadata: ["error": "\(failure.message)"])
            } else if origin == .manifests {
                logger.error("\(failure.headline(origin: origin, generation: services.live.generation))", metadata: ["problems": "\(failure.detail.count)"])
                for line in failure.detail { logger.error("\(line)") }
            } else {
                logger.notice("apply refused", metadata: ["from": "\(origin)", "error": "\(failure.message)"])
            }
        case .recovered(let generation):
            logger.notice("the manifests apply again", metadata: ["generation": "\(generation)"])
        case .gitFailed(let error, let first):
            if first {
                logger.error("git sync failed; the checkout stays as it is", metadata: ["error": "\(error)"])
            } else {
                logger.debug("git sync still failing", metadata: ["error": "\(error)"])
            }
        case .gitRecovered:
            logger.notice("git sync works again")
        case .drift(let from, let to, let changes):
            metrics.drifted()
            logger.warning("drift: the live config had been applied from elsewhere; the manifests were applied again",
                           metadata: ["from": "\(from)", "generation": "\(to)", "changes": "\(changes.joined(separator: "; "))"])
        case .warnings(let warnings):
            for warning in warnings { logger.warning("\(warning)") }
        case .health(let change):
            services.live.record(change)
            logger.info(change.locations.isEmpty ? "endpoint health" : "endpoint health (fleet quorum)", metadata: change.logMetadata)
        case .verdict(let change):
            logger.info("endpoint verdict here", metadata: change.logMetadata)
        case .peerFailed(let node, let error):
            logger.warning("fleet peer verdicts cannot be pulled; they count until stale", metadata: ["node": "\(node)", "error": "\(error)"])
        case .peerRecovered(let node):
            logger.notice("fleet peer verdicts pulled again", metadata: ["node": "\(node)"])
        case .failover(let event, let held):
            metrics.failover(event.kind)
            logger.notice("failover event", metadata: event.logMetadata)
            if held { logger.notice("notification held back: the policy is flapping", metadata: ["policy": "\(event.policy)"]) }
        case .summary(let policy, let covering):
            logger.notice("flapping summary", metadata: ["policy": "\(policy)", "held": "\(covering)"])
        case .target(let target, let outcome):
            services.live.record(outcome, at: Timestamp(date: Date()))
            let metadata: Logger.Metadata = ["target": "\(target)", "policy": "\(outcome.set.policy)",
                                             "rrset": "\(outcome.set.owner) \(outcome.set.type)"]
            switch outcome {
            case .pushed(let set, let before, let after):
                metrics.target(target, outcome: "pushed")
                logger.notice("pushed to target", metadata: metadata.merging([
                    "before": "\(TargetRecordSet.describe(before))", "pushed": "\(TargetRecordSet.describe(set.data))",
                    "answers": "\(after.map(TargetRecordSet.describe) ?? "(not read back)")"]) { $1 })
            case .drift(_, let expected, let found):
                metrics.target(target, outcome: "drift")
                logger.warning("target drift: records changed at the target by someone else; putting back the policy's answer",
                               metadata: metadata.merging(["wrote": "\(TargetRecordSet.describe(expected))",
                                                           "found": "\(TargetRecordSet.describe(found))"]) { $1 })
            case .failed(_, let error, let holds):
                metrics.target(target, outcome: "failed")
                logger.error("target push failed; retrying", metadata: metadata.merging([
                    "error": "\(error)", "holds": "\(holds.map(TargetRecordSet.describe) ?? "(could not be read)")"]) { $1 })
            case .recovered:
                metrics.target(target, outcome: "recovered")
                logger.notice("target holds the policy's answer again", metadata: metadata)
            }
        case .hostResolved(let host, let addresses):
            if addresses.isEmpty {
                logger.warning("secondary host name does not resolve; it gets no NOTIFY and may not transfer", metadata: ["host": "\(host)"])
            } else {
                logger.info("secondary host name resolved", metadata: ["host": "\(host)", "addresses": "\(addresses.map(\.description).joined(separator: ", "))"])
            }
        }
    }
}

extension Report {
    var isApplied: Bool {
        if case .applied = self { true } else { false }
    }
}
