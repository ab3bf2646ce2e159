import AdminAPI
import Authority
import DNSWire
import Model
import Monitor
import Reconcile
import Store

/// Applies: the one way the live config changes. Every apply, from the manifests or the admin API, is
/// planned against the live generation and refused when invalid, stale, changed since review or unsafe;
/// otherwise it is committed (the store writes the generation) and installed once the store has it.
extension ControlCore {
    /// What planning a candidate decided.
    private enum Decision {
        case failed(ApplyFailure)
        case unchanged(AdminAPI.ApplyResult)
        case commit(Commit, changes: [String])
    }

    /// At most this many changes are named in a drift event; the rest are counted.
    static let namedDriftChanges = 100

    private func decide(_ candidate: Candidate, origin: Origin, base: Int, checksum: String?, force: Bool) -> Decision {
        let desired: DesiredState
        switch candidate.compiled {
        case .valid(let state, _): desired = state
        case .invalid(let errors): return .failed(.invalid(errors))
        }
        if let problem = fleetMembershipProblem(desired) { return .failed(.invalid([problem])) }
        guard base == live.generation else { return .failed(.stale(planned: base, live: live.generation)) }
        // Only the plan's verdict outlives this function: its change list (a line per record set) is freed
        // before the snapshot is built, so a large first apply leaves no holes under the served data.
        let plan = Planner.plan(from: live.desired, to: desired, baseGeneration: live.generation, baseRevision: candidate.revision)
        if let checksum, checksum != plan.checksum { return .failed(.checksumChanged(reviewed: checksum, planned: plan.checksum)) }
        let replacedKeys = replacedSigningKeys(candidate.signingKeys, desired: desired, refused: plan.refusals)
        if plan.isEmpty {
            // Other key material under the same settings (a key file replaced, a kept key deleted): never
            // taken up silently, and with nothing else to apply there is nothing to force.
            if !replacedKeys.isEmpty { return .failed(.refused(replacedKeys)) }
            return .unchanged(AdminAPI.ApplyResult(generation: live.generation, changed: false, checksum: plan.checksum, summary: plan.summary))
        }
        let refusals = plan.refusals + replacedKeys
        if !refusals.isEmpty && !force { return .failed(.refused(refusals)) }
        let changes = plan.changes.prefix(Self.namedDriftChanges).map { "\($0.action.symbol) \($0.resource)" }
            + (plan.changes.count > Self.namedDriftChanges ? ["and \(plan.changes.count - Self.namedDriftChanges) more"] : [])
        return .commit(Commit(generation: live.generation + 1, files: candidate.files, digest: candidate.digest,
                              revision: candidate.revision, checksum: plan.checksum, summary: plan.summary, desired: desired,
                              hostAddresses: candidate.hostAddresses, signingKeys: candidate.signingKeys, origin: origin, drift: nil),
                       changes: changes)
    }

    /// The signed zones whose settings stay but whose key does not (the plan, made from manifests alone,
    /// cannot see that), as refusals naming both keys.
    private func replacedSigningKeys(_ keys: [Name: ZoneSigningKey], desired: DesiredState, refused: [Plan.Refusal]) -> [Plan.Refusal] {
        let named = Set(refused.map(\.zone))
        return desired.zones.compactMap { zone -> Plan.Refusal? in
            guard !named.contains(zone.name), let new = keys[zone.origin], let old = live.signingKeys[zone.origin],
                  new.dnskey != old.dnskey else { return nil }
            return .signingKeyChanged(zone: zone.name, from: "key \(old.algorithm)/\(old.keyTag)", to: "key \(new.algorithm)/\(new.keyTag) now in its file")
        }
    }

    /// The manifests directory's content: applied when it differs from the live config.
    mutating func reconcile(_ candidate: Candidate, now: Timestamp) -> [ControlEffect] {
        if candidate.digest != sync.lastDigest { sync.failures = 0 }  // a new input starts a new backoff
        sync.lastDigest = candidate.digest
        let forDrift = sync.readingForDrift
        sync.readingForDrift = false
        var effects: [ControlEffect] = []
        if case .valid(_, let warnings) = candidate.compiled, !warnings.isEmpty { effects.append(.report(.warnings(warnings))) }
        switch decide(candidate, origin: .manifests, base: live.generation, checksum: nil, force: false) {
        case .failed(let failure):
            return effects + failManifests(failure, revision: candidate.revision, now: now)
        case .unchanged:
            live.digest = candidate.digest
            return effects + [.report(.unchanged(origin: .manifests))] + manifestsInSync()
        case .commit(var commit, let changes):
            if forDrift { commit.drift = changes }
            inFlight = commit
            return effects + [.commit(commit)]
        }
    }

    /// The source read the manifests and found them byte for byte the live config's.
    mutating func manifestsUnchanged(digest: Int, now: Timestamp) -> [ControlEffect] {
        sync.readingForDrift = false
        // The live config changed between the source's look and now: read again, and compile this time.
        guard digest == live.digest else { return [.readManifests] }
        sync.lastDigest = digest
        return manifestsInSync()
    }

    /// `POST /v1/apply`: answered with the result, never retried (the caller decides).
    mutating func apply(_ request: ApplyRequest, id: RequestID) -> [ControlEffect] {
        switch decide(request.candidate, origin: .admin(id), base: request.baseGeneration, checksum: request.checksum,
                      force: request.force) {
        case .failed(let failure):
            return [.report(.rejected(failure, origin: .admin(id), first: true)), .reply(id, .failure(failure))]
        case .unchanged(let result):
            return [.report(.unchanged(origin: .admin(id))), .reply(id, .success(result))]
        case .commit(let commit, _):
            inFlight = commit
            return [.commit(commit)]
        }
    }

    /// The store wrote the commit in flight (or could not): install it, answer, report.
    mutating func committed(_ result: Result<Int, StoreFailure>, now: Timestamp) -> [ControlEffect] {
        guard let commit = inFlight else { return [] }
        inFlight = nil
        let generation: Int
        switch result {
        case .failure(let error):
            let failure = ApplyFailure.store(error.message)
            switch commit.origin {
            case .admin(let id): return [.report(.rejected(failure, origin: commit.origin, first: true)), .reply(id, .failure(failure))]
            case .manifests: return failManifests(failure, revision: commit.revision, now: now)
            }
        case .success(let stored):
            generation = stored
        }
        let replaced = live.generation
        let hadTargets = !live.desired.targets.isEmpty
        let resolved = commit.hostAddresses.filter { live.hostAddresses[$0.key] != $0.value }.sorted { $0.key < $1.key }
        live = Live(desired: commit.desired, generation: generation, revision: commit.revision, checksum: commit.checksum,
                    appliedAt: now, digest: commit.digest, hostAddresses: commit.hostAddresses, signingKeys: commit.signingKeys)
        let (previous, versions) = install(now: now)
        seedOwnVerdicts()
        // Keys first: a transfer the new snapshot allows may be signed with a key it adds.
        var effects: [ControlEffect] = [.keys(live.desired.tsigKeys), .serve(snapshot)] + pushes(hadTargets: hadTargets)
            + [.probe(probedHere, known: health.states)] + notifications(from: previous)
        effects += resolved.map { .report(.hostResolved($0.key, $0.value)) }
        var record = Record(zones: versions)
        effects.append(.report(.applied(generation: generation, revision: commit.revision, summary: commit.summary,
                                        checksum: commit.checksum, origin: commit.origin)))
        switch commit.origin {
        case .admin(let id):
            effects.append(.reply(id, .success(AdminAPI.ApplyResult(generation: generation, changed: true, checksum: commit.checksum,
                                                                   summary: commit.summary))))
        case .manifests:
            effects += manifestsInSync()
            if let changes = commit.drift {
                record.events.append(EventRecords.drift(id: makeID(), time: now, from: replaced, to: generation, changes: changes,
                                                        state: live.desired, revision: live.revision))
                effects.append(.report(.drift(from: replaced, to: generation, changes: changes)))
            }
        }
        if !record.isEmpty { effects.append(.record(record)) }
        return effects
    }

    /// The manifests are the live config now: forget their failure (saying so once) and the backoff.
    private mutating func manifestsInSync() -> [ControlEffect] {
        sync.inSyncAt = live.generation
        sync.failures = 0
        guard sync.failure != nil else { return [] }
        sync.failure = nil
        sync.failingSince = nil
        return [.report(.recovered(generation: live.generation))]
    }

    /// The manifests do not apply: report it (as an event only when the failure is new) and retry later,
    /// each time waiting longer.
    private mutating func failManifests(_ failure: ApplyFailure, revision: String?, now: Timestamp) -> [ControlEffect] {
        sync.failures += 1
        let first = sync.failure != failure
        var effects: [ControlEffect] = [.report(.rejected(failure, origin: .manifests, first: first))]
        if first {
            sync.failure = failure
            sync.failingSince = now
            let event = EventRecords.reconcileFailed(id: makeID(), time: now, error: failure.headline(origin: .manifests, generation: live.generation),
                                                     detail: failure.detail, state: live.desired, generation: live.generation,
                                                     revision: revision ?? live.revision)
            effects.append(.record(Record(events: [event])))
        }
        effects.append(.requeue(after: settings.retry.delay(afterFailures: sync.failures)))
        return effects
    }

    /// Builds the snapshot of the live config with the current health, and the endpoints to probe.
    private mutating func install(now: Timestamp) -> (previous: Snapshot, versions: [ZoneVersionRecord]) {
        let rebuilt = rebuild(now: now)
        targets = ProbeTarget.all(in: live.desired)
        let probed = Set(targets.map(\.key))
        since = since.filter { probed.contains($0.key) }
        return rebuilt
    }
}

extension ApplyFailure {
    /// The sentence logged and sent in a `reconcileFailed` event: what failed, and what keeps serving.
    func headline(origin: Origin, generation: Int) -> String {
        switch self {
        case .invalid: "the manifests from the \(origin) have errors; still serving generation \(generation)"
        case .refused: "the plan from the \(origin) is refused without --force; still serving generation \(generation)"
        case .store: "the store could not record the apply from the \(origin); still serving generation \(generation)"
        case .stale, .checksumChanged, .shuttingDown: message
        }
    }
}
