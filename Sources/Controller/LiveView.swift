import AdminAPI
import Foundation
import Model
import Synchronization
import Targets

/// What the controller is doing now, for readers on other threads (the admin API, the source service):
/// the control loop publishes after every step that changed something; probes publish their results as
/// they come.
final class LiveView: Sendable {
    struct Published: Sendable {
        var generation = 0
        var revision: String?
        var appliedAt: Timestamp?
        var checksum: String?
        /// The digest of the manifests known to be the live config.
        var digest: Int?
        var serving: [AdminAPI.Serving] = []
        var health = HealthTable()
        var since: [EndpointKey: Timestamp] = [:]
        var lastError: AdminAPI.ReconcileError?
        var targets: [EndpointKey] = []
        var notifiers: [String: Notifier] = [:]
        var zones: [AdminAPI.ZoneSerial] = []
        /// In a fleet of more than one node.
        var fleet: FleetPublication?
    }

    private let published = Mutex(Published())
    private let lastResults = Mutex<[EndpointKey: ProbeResult]>([:])
    private let versions = Mutex(VerdictVersions())
    /// Each pushed RRset: its target, what it should hold, and the last outcome (time and line, failing).
    private let pushed = Mutex<[TargetRecordSet.Key: (target: Target, set: TargetRecordSet, last: String?, failing: Bool)]>([:])
    /// Each endpoint's last few changes of (effective) state, for the status page.
    private let changes = Mutex<[EndpointKey: [AdminAPI.StateChange]]>([:])
    static let historyLength = 6

    func publish(_ change: (inout Published) -> Void) { published.withLock { change(&$0) } }
    func record(_ result: ProbeResult, for key: EndpointKey) { lastResults.withLock { $0[key] = result } }
    /// What every target should hold now (after each snapshot); what is no longer pushed is forgotten.
    func pushing(_ targets: [Target], _ sets: [TargetRecordSet]) {
        let byName = Dictionary(targets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        pushed.withLock { pushed in
            var next: [TargetRecordSet.Key: (target: Target, set: TargetRecordSet, last: String?, failing: Bool)] = [:]
            for set in sets {
                guard let target = byName[set.target] else { continue }
                let earlier = pushed[set.key]
                next[set.key] = (target, set, earlier?.last, earlier?.failing ?? false)
            }
            pushed = next
        }
    }

    /// A target's outcome for one RRset, at `time`.
    func record(_ outcome: TargetSync.Outcome, at time: Timestamp) {
        let failing = if case .failed = outcome { true } else { false }
        pushed.withLock { pushed in
            guard var entry = pushed[outcome.set.key] else { return }
            entry.last = "\(time.iso8601) \(outcome.label)"
            entry.failing = failing
            pushed[outcome.set.key] = entry
        }
    }

    func record(_ change: HealthChange) {
        changes.withLock { changes in
            let entry = AdminAPI.StateChange(time: change.time.iso8601, from: change.from.rawValue, to: change.to.rawValue)
            changes[change.endpoint] = Array(((changes[change.endpoint] ?? []) + [entry]).suffix(Self.historyLength))
        }
    }
    var generation: Int { published.withLock { $0.generation } }
    var digest: Int? { published.withLock { $0.digest } }
    var notifiers: [String: Notifier] { published.withLock { $0.notifiers } }
    var fleet: FleetPublication? { published.withLock { $0.fleet } }
    var lastProbeResults: [EndpointKey: ProbeResult] { lastResults.withLock { $0 } }

    /// What the admin API shows, with the live config's manifests as `sources`.
    func state(sources: [SourceFile] = []) -> AdminAPI.State {
        let now = published.withLock { $0 }
        let results = lastResults.withLock { $0 }
        let history = changes.withLock { $0 }
        let fleet = now.fleet
        let health = now.targets.map { key in
            AdminAPI.EndpointHealth(monitor: key.monitor, endpoint: key.value.description,
                                    state: (now.health.states[key] ?? .unknown).rawValue,
                                    since: now.since[key]?.iso8601, lastResult: results[key]?.description,
                                    stale: fleet.map { $0.stale.contains(key) },
                                    locations: fleet.map { fleet in
                                        (fleet.evidence[key] ?? []).map { verdict in
                                            AdminAPI.LocationHealth(node: verdict.location, state: verdict.state.rawValue,
                                                                    since: verdict.since?.iso8601,
                                                                    lastResult: (verdict.location == fleet.node ? results[key] : verdict.result)?.description,
                                                                    fresh: verdict.fresh, sameDefinition: verdict.sameDefinition)
                                        }
                                    }, history: history[key])
        }
        let peers = fleet?.peers.map { peer in
            AdminAPI.Peer(node: peer.node.name, fresh: peer.fresh, lastPull: peer.lastPull?.iso8601, error: peer.error,
                          revision: peer.revision, generation: peer.generation)
        }
        let targets = pushed.withLock { $0 }.sorted { $0.key < $1.key }.map { _, entry in
            AdminAPI.TargetRRset(target: "Target/\(entry.target.name)", server: entry.target.server, policy: entry.set.policy.description,
                                 rrset: "\(entry.set.owner) \(entry.set.type)", holds: TargetRecordSet.describe(entry.set.data),
                                 last: entry.last, failing: entry.failing)
        }
        return AdminAPI.State(generation: now.generation, revision: now.revision, appliedAt: now.appliedAt?.iso8601,
                              checksum: now.checksum, sources: sources, health: health, serving: now.serving, lastError: now.lastError,
                              zones: now.zones, node: fleet?.node, peers: peers, targets: targets.isEmpty ? nil : targets)
    }
}

extension LiveView {
    /// `GET /v1/verdicts`: this node's own verdicts on what it probes, with `delivered` from the store;
    /// with `since` (an instance, generation and sequence this node gave out), only what changed after.
    func verdicts(delivered: [String], pending: [String], since: VerdictCursor? = nil) -> AdminAPI.Verdicts? {
        let (now, results) = (published.withLock { $0 }, lastResults.withLock { $0 })
        guard let fleet = now.fleet else { return nil }
        var byMonitor: [String: [AdminAPI.Verdicts.Verdict]] = [:]
        for key in now.targets where fleet.probed.contains(key) {
            let result = results[key]
            byMonitor[key.monitor, default: []].append(AdminAPI.Verdicts.Verdict(
                endpoint: key.value.description, state: (fleet.own.states[key] ?? .unknown).rawValue,
                since: fleet.ownSince[key]?.millisecondsSince1970, ok: result?.isSuccess, detail: result?.detail,
                // Whole milliseconds: finer jitter would make every entry a change.
                latencyMilliseconds: result.map { ($0.latency.secondsValue * 1000).rounded() }))
        }
        let (instance, sequence, changed) = versions.withLock { versions in
            versions.number(byMonitor, after: since.flatMap { $0.generation == now.generation ? $0 : nil })
        }
        let monitors = byMonitor.keys.sorted().compactMap { name -> AdminAPI.Verdicts.Monitor? in
            let endpoints = changed.map { changed in (byMonitor[name] ?? []).filter { changed.contains("\(name) \($0.endpoint)") } } ?? byMonitor[name] ?? []
            guard changed == nil || !endpoints.isEmpty else { return nil }
            return AdminAPI.Verdicts.Monitor(name: name, definition: fleet.definitions[name] ?? "", endpoints: endpoints)
        }
        return AdminAPI.Verdicts(node: fleet.node, revision: now.revision, generation: now.generation, instance: instance,
                                 sequence: sequence, partial: changed != nil, monitors: monitors, delivered: delivered, pending: pending)
    }
}
