import Authority
import DNSWire
import Model
import Monitor
import Store

/// The control loop's decisions, as a value: `step(input, now)` changes the state and returns what to do
/// (`ControlEffect`). It does no I/O and reads no clock; time comes in with each input and identities
/// from `makeID`, so it is tested as a table (`ControlCoreTests`).
///
/// What it keeps:
/// - the live config (generation, revision, desired state) and the snapshot built from it and health;
/// - how the manifests stand against it (in sync at which generation, failing since when and how many
///   times, git failing), so each distinct failure is reported once and retried with backoff;
/// - the commit in flight: while the store writes a generation, health still flows (against the live
///   config) and applies wait their turn;
/// - the flap guard's memory.
struct ControlCore: Sendable {
    struct Settings: Sendable {
        var geoip: GeoIPDatabase?
        /// How often the live config is compared with the manifests (drift).
        var interval: Duration
        /// The waits between tries of manifests that do not apply.
        var retry: Backoff
        var flapLimit: Int
        var flapWindow: Duration
        /// How long events are kept once nothing waits on them.
        var retain: Duration
        /// How much history each zone's journal keeps for IXFR.
        var journal: JournalLimits
        /// This node's name in the fleet (`--node`).
        var node: String?
        /// Where signed zones' signatures are kept, across snapshots.
        var signatures: SignatureCache?
        /// How often old events are pruned.
        static let pruneEvery: Duration = .seconds(3600)
        /// How often a config with signed zones is served from a new snapshot though nothing changed: the
        /// servers' packet caches keep whole signed responses until the snapshot changes, and a signature
        /// is made again once less than `SignatureCache.Limits.refreshBefore` (4 days) of its 7 are left.
        static let refreshSignedAnswersEvery: Duration = .seconds(86_400)

        init(geoip: GeoIPDatabase? = nil, interval: Duration, retry: Backoff = .standard, flapLimit: Int = 5,
             flapWindow: Duration = .seconds(600), retain: Duration = .seconds(30 * 86_400), journal: JournalLimits = JournalLimits(),
             node: String? = nil, signatures: SignatureCache? = nil) {
            self.signatures = signatures
            self.geoip = geoip
            self.interval = interval
            self.retry = retry
            self.flapLimit = flapLimit
            self.flapWindow = flapWindow
            self.retain = retain
            self.journal = journal
            self.node = node
        }
    }

    /// The applied config that is live.
    struct Live: Sendable {
        var desired = DesiredState()
        /// 0 before the first apply.
        var generation = 0
        var revision: String?
        var checksum: String?
        var appliedAt: Timestamp?
        /// The digest of manifests known to be the live config (applied, or planned empty against it).
        var digest: Int?
        /// The addresses its secondaries' host names resolved to when it was applied.
        var hostAddresses: [String: [IPAddress]] = [:]
        /// Its signed zones' keys.
        var signingKeys: [Name: ZoneSigningKey] = [:]
    }

    /// How the manifests directory and its git checkout stand against the live config.
    struct Sync: Sendable, Equatable {
        /// The generation at which the manifests were last found to be the live config.
        var inSyncAt: Int?
        /// The digest of the manifests last read.
        var lastDigest: Int?
        /// Why the manifests do not apply, since when, and how many tries in a row failed.
        var failure: ApplyFailure?
        var failingSince: Timestamp?
        var failures = 0
        var gitFailure: String?
        var gitFailingSince: Timestamp?
        /// A read was asked for because the live config is not the manifests'.
        var readingForDrift = false
        var nextDriftCheck: Timestamp?
        var lastPrune: Timestamp?
        /// When signed answers were last served from a new snapshot (see `refreshSignedAnswersEvery`).
        var lastSignedRefresh: Timestamp?
    }

    let settings: Settings
    let makeID: @Sendable () -> String
    var live: Live
    var snapshot: Snapshot
    var health: HealthTable
    /// When each endpoint's verdict last changed.
    var since: [EndpointKey: Timestamp]
    /// The endpoints probed for the live config.
    var targets: [ProbeTarget]
    var flaps: FlapGuard
    var sync = Sync()
    /// In a fleet: own and peers' verdicts, and the evidence of each decision.
    var fleet = FleetView()
    /// The generation the store is writing now; applies wait for it in `deferred`.
    var inFlight: Commit?
    var deferred: [ControlInput] = []
    /// The zone versions the first snapshot made that the store does not have (changed while stopped).
    private let startVersions: [ZoneVersionRecord]

    /// A core serving `live` (nothing before the first apply) with the last known `health`. A zone that
    /// transfers exactly what `restored` says keeps that serial and journal.
    init(settings: Settings, live: Live = Live(), health: HealthTable = HealthTable(), since: [EndpointKey: Timestamp] = [:],
         flaps: FlapGuard? = nil, restored: [Name: StoredZoneVersion] = [:], now: Timestamp, makeID: @escaping @Sendable () -> String) {
        self.settings = settings
        self.makeID = makeID
        self.live = live
        self.health = health
        self.since = since
        self.flaps = flaps ?? FlapGuard(limit: settings.flapLimit, window: settings.flapWindow)
        snapshot = Snapshot.build(live.desired, health: health, geoip: settings.geoip, previous: nil, now: now.seconds,
                                  options: Self.buildOptions(live, settings, restored: restored))
        targets = ProbeTarget.all(in: live.desired)
        startVersions = Self.versions(from: .empty, to: snapshot).filter { restored[$0.origin]?.serial != $0.serial }
        seedOwnVerdicts()
    }

    /// What starting the loop does: load the live config's TSIG keys, serve it, probe its endpoints, and
    /// NOTIFY the secondaries of each zone whose serial is not the one last stored (it changed while the
    /// controller was down); a restart with nothing changed notifies no one.
    func start() -> [ControlEffect] {
        // Keys first: a transfer the new snapshot allows may be signed with a key it adds.
        var effects: [ControlEffect] = [.keys(live.desired.tsigKeys), .serve(snapshot)] + pushes()
            + [.probe(probedHere, known: health.states)]
        if !startVersions.isEmpty { effects.append(.record(Record(zones: startVersions))) }
        let changed = Set(startVersions.map(\.origin))
        return effects + notifications(from: .empty).compactMap { effect in
            guard case .notify(let zones) = effect else { return effect }
            let kept = zones.filter { changed.contains($0.origin) }
            return kept.isEmpty ? nil : .notify(kept)
        }
    }

    /// Builds the snapshot of the live config with the current health; returns the one it replaces and
    /// the zone versions that came of it, to record.
    mutating func rebuild(now: Timestamp) -> (previous: Snapshot, versions: [ZoneVersionRecord]) {
        let previous = snapshot
        snapshot = Snapshot.build(live.desired, health: health, geoip: settings.geoip, previous: previous, now: now.seconds,
                                  options: Self.buildOptions(live, settings))
        return (previous, Self.versions(from: previous, to: snapshot))
    }

    /// What a snapshot of the live config is built with besides the config and health.
    private static func buildOptions(_ live: Live, _ settings: Settings, restored: [Name: StoredZoneVersion] = [:]) -> Snapshot.BuildOptions {
        .init(hostAddresses: live.hostAddresses, journal: settings.journal, restored: restored, signingKeys: live.signingKeys,
              signatures: settings.signatures)
    }

    /// What the store must learn of a snapshot change: each zone with a new serial (with the delta
    /// that led there when it chains on the old one), and each zone no longer served.
    static func versions(from old: Snapshot, to new: Snapshot) -> [ZoneVersionRecord] {
        var records: [ZoneVersionRecord] = []
        for zone in new.zones.values.sorted(by: { $0.origin.description < $1.origin.description })
        where old.zones[zone.origin]?.serial != zone.serial {
            let last = zone.journal.deltas.last.flatMap { $0.to == zone.serial && $0.from == old.zones[zone.origin]?.serial ? $0 : nil }
            records.append(ZoneVersionRecord(origin: zone.origin, serial: zone.serial, digest: zone.digest.value,
                                             delta: last.map { ($0.from, $0.to, $0.deleted, $0.added) },
                                             oldestKept: zone.journal.deltas.first?.from))
        }
        for origin in old.zones.keys where new.zones[origin] == nil {
            records.append(ZoneVersionRecord(origin: origin, serial: 0, digest: 0, delta: nil, oldestKept: nil, removed: true))
        }
        return records
    }

    /// Takes one input at `now` and returns the effects, in the order they must be carried out.
    mutating func step(_ input: ControlInput, now: Timestamp) -> [ControlEffect] {
        if inFlight != nil, input.waitsForCommit {
            deferred.append(input)
            return []
        }
        switch input {
        case .manifests(let candidate):
            return reconcile(candidate, now: now)
        case .manifestsUnchanged(let digest):
            return manifestsUnchanged(digest: digest, now: now)
        case .apply(let id, let request):
            return apply(request, id: id)
        case .committed(let result):
            var effects = committed(result, now: now)
            while inFlight == nil, !deferred.isEmpty {
                effects += step(deferred.removeFirst(), now: now)
            }
            return effects
        case .health(let update):
            return isFleet ? ownVerdicts(update, now: now) : follow(update, now: now)
        case .fleet(let round):
            return pulled(round, now: now)
        case .git(let outcome):
            return git(outcome, now: now)
        case .retry:
            return sync.failure == nil ? [] : [.readManifests]
        case .tick:
            return tick(now: now)
        case .target(let target, let outcome):
            return targetReported(target, outcome, now: now)
        }
    }

    /// What is due by time: flapping policies' summaries, the drift check every `interval`, and pruning.
    private mutating func tick(now: Timestamp) -> [ControlEffect] {
        // Verdicts go stale with time: a peer that stopped answering stops counting.
        var effects = decideFleetHealth(now: now) + dueSummaries(now: now)
        // The first check is an interval after the first tick: an apply made just after start is not drift yet.
        let nextCheck = sync.nextDriftCheck ?? now.adding(settings.interval)
        sync.nextDriftCheck = nextCheck
        if now >= nextCheck {
            sync.nextDriftCheck = now.adding(settings.interval)
            // In controller mode the manifests are the truth: a config applied from elsewhere is put back.
            if inFlight == nil, sync.failure == nil, !sync.readingForDrift, let inSync = sync.inSyncAt, inSync != live.generation {
                sync.readingForDrift = true
                effects.append(.readManifests)
            }
        }
        let lastSignedRefresh = sync.lastSignedRefresh ?? now
        sync.lastSignedRefresh = lastSignedRefresh
        if snapshot.hasSignedZones, now.milliseconds(since: lastSignedRefresh) >= Settings.refreshSignedAnswersEvery.millisecondCount {
            sync.lastSignedRefresh = now
            // Signatures near expiry are made again: a new version of those zones, recorded and notified.
            let (previous, versions) = rebuild(now: now)
            effects.append(.serve(snapshot))
            if !versions.isEmpty { effects += [.record(Record(zones: versions))] + notifications(from: previous) }
        }
        if sync.lastPrune.map({ now.milliseconds(since: $0) >= Settings.pruneEvery.millisecondCount }) ?? true {
            sync.lastPrune = now
            effects.append(.prune(before: now.adding(.zero - settings.retain)))
        }
        return effects
    }

    /// A git fetch finished: report a failure once until it changes or clears.
    private mutating func git(_ outcome: GitOutcome, now: Timestamp) -> [ControlEffect] {
        switch outcome {
        case .fetched:
            guard sync.gitFailure != nil else { return [] }
            sync.gitFailure = nil
            sync.gitFailingSince = nil
            return [.report(.gitRecovered)]
        case .failed(let error):
            guard sync.gitFailure != error else { return [.report(.gitFailed(error, first: false))] }
            sync.gitFailure = error
            sync.gitFailingSince = now
            let event = EventRecords.reconcileFailed(id: makeID(), time: now, error: gitHeadline, detail: [error],
                                                     state: live.desired, generation: live.generation, revision: live.revision)
            return [.report(.gitFailed(error, first: true)), .record(Record(events: [event]))]
        }
    }

    private var gitHeadline: String { "git sync failed; still serving generation \(live.generation) from the checkout as it is" }

    /// Why the live config is not the manifests' now, for `/v1/state` and the status page: the
    /// manifests' failure, else git's.
    var lastError: (since: Timestamp, error: String, detail: [String])? {
        if let failure = sync.failure, let since = sync.failingSince {
            return (since, failure.headline(origin: .manifests, generation: live.generation), failure.detail)
        }
        if let error = sync.gitFailure, let since = sync.gitFailingSince { return (since, gitHeadline, [error]) }
        return nil
    }
}

extension ControlInput {
    /// Inputs that may change the live config wait while a generation is being written.
    var waitsForCommit: Bool {
        switch self {
        case .manifests, .manifestsUnchanged, .apply: true
        case .git, .health, .fleet, .committed, .retry, .tick, .target: false
        }
    }
}

extension Timestamp {
    /// Whole seconds since 1970, as zone serials take them.
    var seconds: UInt32 { UInt32(clamping: millisecondsSince1970 / 1000) }
}
