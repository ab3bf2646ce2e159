import Authority
import Foundation
import Logging
import Manifests
import Model
import Monitor
import Reconcile
import Server
import Store

/// The controller's live state and every way it changes, run by one task (`DNSController.run`) so
/// changes never interleave: applies (from the manifests directory or the admin API) and health updates.
struct ControlLoop {
    let store: Store
    let geoip: GeoIPDatabase?
    let live: LiveView
    let monitor: HealthMonitor
    let logger: Logger
    let metrics: ControllerMetrics
    let snapshots = SnapshotReference()
    var notifier: NotifySender?

    private(set) var current = Snapshot.empty
    private(set) var state = DesiredState()
    private(set) var generation = 0
    private(set) var revision: String?
    /// A digest of the live generation's manifests (the text itself stays in the store): drift is
    /// manifests whose digest differs.
    private(set) var sourcesDigest: Int? = nil
    private var health = HealthTable()
    /// The endpoints the monitor probes for the live config.
    private var targetKeys: [EndpointKey] = []
    var flapGuard = FlapGuard()

    init(store: Store, geoip: GeoIPDatabase?, live: LiveView, monitor: HealthMonitor, metrics: ControllerMetrics, logger: Logger) {
        self.metrics = metrics
        self.store = store
        self.geoip = geoip
        self.live = live
        self.monitor = monitor
        self.logger = logger
    }

    /// Serves the last applied generation with the last known health, if there is one.
    mutating func restore() throws {
        guard let latest = try store.latest() else { return }
        let compiled = ManifestCompiler.compile(latest.sources.map { ManifestSource(path: $0.path, text: $0.text) })
        guard let restored = compiled.state else {
            logger.error("the stored generation no longer compiles; waiting for valid manifests",
                         metadata: ["generation": "\(latest.generation)"])
            return
        }
        var since: [EndpointKey: Date] = [:]
        for stored in try store.health() {
            health.set(stored.state, for: stored.endpoint)
            since[stored.endpoint] = stored.since
        }
        live.update { $0.since = since }
        install(restored, generation: latest.generation, revision: latest.revision, sources: latest.sources,
                checksum: latest.checksum, appliedAt: latest.appliedAt)
        logger.info("serving the stored config", metadata: ["generation": "\(latest.generation)",
                                                            "revision": "\(latest.revision ?? "-")"])
    }

    /// Compiles `files`, plans them against the live generation and applies the plan: refused when
    /// `baseGeneration` is stale or `checksum` is not the plan's (409), when the manifests are invalid
    /// or the plan breaks a safety rule without `force` (422). An empty plan applies nothing.
    mutating func apply(_ files: [SourceFile], revision newRevision: String?, baseGeneration: Int, checksum: String?, force: Bool,
                        origin: String) -> Result<AdminAPI.ApplyResult, AdminFailure> {
        let start = ContinuousClock.now
        let result = applyOnce(files, revision: newRevision, baseGeneration: baseGeneration, checksum: checksum, force: force, origin: origin)
        let outcome: ControllerMetrics.ReconcileResult = switch result {
        case .success(let applied): applied.changed ? .applied : .unchanged
        case .failure(let failure) where failure.status == .conflict: .stale
        case .failure(let failure) where failure.body.error.hasPrefix("invalid manifests"): .invalid
        case .failure(let failure) where failure.body.error.hasPrefix("plan refused"): .refused
        case .failure: .failed
        }
        metrics.reconciled(outcome, in: start.duration(to: .now), generation: generation)
        return result
    }

    private mutating func applyOnce(_ files: [SourceFile], revision newRevision: String?, baseGeneration: Int, checksum: String?,
                                    force: Bool, origin: String) -> Result<AdminAPI.ApplyResult, AdminFailure> {
        let compiled = ManifestCompiler.compile(files.map { ManifestSource(path: $0.path, text: $0.text) })
        for warning in compiled.diagnostics where warning.severity != .error { logger.warning("\(warning)") }
        guard let desired = compiled.state else {
            let errors = compiled.diagnostics.filter { $0.severity == .error }.map(\.description)
            fail("the manifests from the \(origin) have errors; still serving generation \(generation)", detail: errors, revision: newRevision)
            return .failure(AdminFailure(.unprocessableContent, "invalid manifests: nothing applied", detail: errors))
        }
        guard baseGeneration == generation else {
            return .failure(AdminFailure(.conflict, "stale plan: it was made against generation \(baseGeneration), but generation \(generation) is live",
                                         detail: ["plan again and review the new plan"]))
        }
        // Only the plan's verdict is kept: its change list (a line per record set) is freed before the
        // snapshot is built, so a large first apply leaves no holes under the served data.
        let plan = { [state, generation] in
            let full = Planner.plan(from: state, to: desired, baseGeneration: generation, baseRevision: newRevision)
            return (checksum: full.checksum, summary: full.summary, isEmpty: full.isEmpty, refusals: full.refusals)
        }()
        if let checksum, checksum != plan.checksum {
            return .failure(AdminFailure(.conflict, "the plan changed: its checksum is \(plan.checksum) now, \(checksum) was reviewed",
                                         detail: ["plan again and review the new plan"]))
        }
        guard !plan.isEmpty else {
            live.update { $0.lastError = nil }
            return .success(AdminAPI.ApplyResult(generation: generation, changed: false, checksum: plan.checksum, summary: plan.summary))
        }
        if !plan.refusals.isEmpty && !force {
            let reasons = plan.refusals.map(\.reason)
            fail("the plan from the \(origin) is refused without --force", detail: reasons, revision: newRevision)
            return .failure(AdminFailure(.unprocessableContent, "plan refused without --force", detail: reasons))
        }
        let next: Int
        do {
            next = try store.apply(sources: files, revision: newRevision, checksum: plan.checksum, summary: plan.summary,
                                   expectedGeneration: generation)
        } catch let stale as Store.StaleGeneration {
            return .failure(AdminFailure(.conflict, stale.description))
        } catch {
            logger.error("the store could not record the apply", metadata: ["error": "\(error)"])
            return .failure(AdminFailure(.internalServerError, "the store could not record the apply: nothing applied", detail: ["\(error)"]))
        }
        let previous = current
        install(desired, generation: next, revision: newRevision, sources: files, checksum: plan.checksum, appliedAt: Date())
        live.update { $0.lastError = nil }
        notifyChangedZones(from: previous)
        logger.info("config applied", metadata: ["generation": "\(next)", "revision": "\(newRevision ?? "-")",
                                                 "plan": "\(plan.summary)", "checksum": "\(plan.checksum)", "from": "\(origin)"])
        return .success(AdminAPI.ApplyResult(generation: next, changed: true, checksum: plan.checksum, summary: plan.summary))
    }

    /// Rebuilds the answers with new health, and records and logs the changes and the events they caused.
    mutating func follow(_ update: HealthUpdate) {
        health = update.health
        for change in update.changes { logger.info("endpoint health", metadata: change.logMetadata) }
        let snapshot = Snapshot.build(state, health: health, geoip: geoip, previous: current, now: unixTime())
        let time = update.changes.map(\.time).max() ?? Timestamp(date: Date())
        let events = FailoverEvents.between(current, snapshot, state: state, changes: update.changes, time: time,
                                            makeID: { UUID().uuidString.lowercased() })
        let previous = current
        current = snapshot
        snapshots.store(snapshot)
        for event in events {
            logger.notice("failover event", metadata: event.logMetadata)
            metrics.failover(event.kind)
        }
        metrics.health(health, targets: targetKeys)
        do {
            try store.record(update.changes)
            let now = Date()
            try store.record(events.map { event in
                let deliver = flapGuard.admit(policy: event.policy, kind: event.kind.rawValue, at: now)
                if !deliver { logger.notice("notification held back: the policy is flapping", metadata: ["policy": "\(event.policy)"]) }
                return EventRecords.failover(event, state: state, generation: generation, revision: revision, deliver: deliver)
            })
        } catch {
            logger.error("the store could not record health or events", metadata: ["error": "\(error)"])
        }
        let serving = snapshot.servingDescriptions(state: state).map { AdminAPI.Serving(policy: $0.policy, answer: $0.answer) }
        live.update { view in
            view.health = update.health
            for change in update.changes { view.since[change.endpoint] = Date(timeIntervalSince1970: Double(change.time.millisecondsSince1970) / 1000) }
            view.serving = serving
        }
        notifyChangedZones(from: previous)
    }

    /// Sends the summary of each flapping policy whose window has passed.
    mutating func sendDueSummaries(at now: Date = Date()) {
        let due = flapGuard.dueSummaries(at: now)
        guard !due.isEmpty else { return }
        let serving = Dictionary(current.servingDescriptions(state: state).map { ($0.policy, $0.answer) }, uniquingKeysWith: { first, _ in first })
        let summaries = due.map { policy, held in
            EventRecords.summary(policy: policy, held: held, servingNow: serving[policy], state: state, generation: generation,
                                 revision: revision, time: now)
        }
        for (policy, held) in due {
            logger.notice("flapping summary", metadata: ["policy": "\(policy)", "held": "\(held.events.count)"])
        }
        do { try store.record(summaries) } catch { logger.error("the store could not record the summaries", metadata: ["error": "\(error)"]) }
    }

    /// Reports a reconcile that applied nothing: log, `/v1/state`'s lastError, and a `reconcileFailed` event.
    mutating func fail(_ error: String, detail: [String], revision failedRevision: String? = nil) {
        logger.error("\(error)", metadata: ["problems": "\(detail.count)"])
        for line in detail { logger.error("\(line)") }
        let time = Date()
        live.update { $0.lastError = AdminAPI.ReconcileError(time: AdminAPI.iso8601(time), error: error, detail: detail) }
        let event = EventRecords.reconcileFailed(id: UUID().uuidString.lowercased(), time: time, error: error, detail: detail,
                                                 state: state, generation: generation, revision: failedRevision ?? revision)
        do { try store.record([event]) } catch { logger.error("the store could not record the event", metadata: ["error": "\(error)"]) }
    }

    /// NOTIFY every secondary of each zone that is new or has a new serial since `old`.
    func notifyChangedZones(from old: Snapshot?) {
        guard let notifier else { return }
        for zone in current.zones.values where old?.zones[zone.origin]?.serial != zone.serial {
            logger.info("zone serial", metadata: ["zone": "\(zone.origin)", "serial": "\(zone.serial)"])
            for secondary in zone.secondaries {
                let (origin, serial) = (zone.origin, zone.serial)
                Task { await notifier.notify(origin: origin, serial: serial, secondary: (secondary.address, secondary.port)) }
            }
        }
    }

    /// Makes `desired` the live config: snapshot, monitor targets, and what readers see.
    private mutating func install(_ desired: DesiredState, generation: Int, revision: String?, sources: [SourceFile],
                                  checksum: String, appliedAt: Date) {
        state = desired
        self.generation = generation
        self.revision = revision
        sourcesDigest = SourceFile.digest(sources)
        let snapshot = Snapshot.build(desired, health: health, geoip: geoip, previous: current, now: unixTime())
        current = snapshot
        snapshots.store(snapshot)
        let targets = ProbeTarget.all(in: desired)
        targetKeys = targets.map(\.key)
        monitor.update(targets, knownHealth: health.states)
        metrics.health(health, targets: targetKeys)
        let serving = snapshot.servingDescriptions(state: desired).map { AdminAPI.Serving(policy: $0.policy, answer: $0.answer) }
        live.update { view in
            view.generation = generation
            view.revision = revision
            view.appliedAt = appliedAt
            view.checksum = checksum
            view.serving = serving
            view.health = health
            view.targets = targetKeys
            view.notifiers = Dictionary(desired.notifiers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Hands freed heap back to the system; call once an apply's temporaries (the YAML, the plan) are
    /// gone, which for a million records are several times what is served.
    static func releaseMemory() {
        #if os(Linux)
        _ = releaseFreeMemory(0)
        #endif
    }

    private func unixTime() -> UInt32 {
        UInt32(clamping: Int(Date().timeIntervalSince1970))
    }
}

#if os(Linux)
/// glibc's malloc_trim(3), which the Glibc module does not export: returns freed heap to the system
/// (the YAML of a million records is several times the size of what is served).
@_silgen_name("malloc_trim")
private func releaseFreeMemory(_ pad: Int) -> Int32
#endif
