import Crypto
import Foundation
import Model
import Monitor

/// A fleet: the answers follow effective health, decided by quorum from every location's verdict
/// (`EffectiveHealth`), not this node's own view. Own verdicts and pulled ones are inputs like any
/// other; the decision is made again on each of them and every tick (verdicts go stale with time).
extension ControlCore {
    /// This node takes part in a fleet of more than one node: its own view alone decides nothing.
    var isFleet: Bool { settings.node != nil && (live.desired.fleet?.nodes.count ?? 0) > 1 }

    /// Why a config cannot be applied on this node: the node is not in its Fleet, or the Fleet needs
    /// `--node` to say which node this is.
    func fleetMembershipProblem(_ desired: DesiredState) -> String? {
        switch (settings.node, desired.fleet) {
        case (let node?, nil):
            return "this controller is fleet node \"\(node)\" (--node), but the manifests define no Fleet"
        case (let node?, let fleet?) where fleet.node(named: node) == nil:
            return "this controller is fleet node \"\(node)\" (--node), which Fleet/\(fleet.name) does not list (nodes: \(fleet.nodes.map(\.name).joined(separator: ", ")))"
        case (nil, let fleet?) where fleet.nodes.count > 1:
            return "Fleet/\(fleet.name) has \(fleet.nodes.count) nodes: start the controller with --node NAME to say which one this is"
        default:
            return nil
        }
    }

    /// This node's own verdicts as its monitor starts from them: for endpoints it probes and has no
    /// verdict of its own on yet, the known health it seeds the monitor with (`.probe(…, known:)`). The
    /// monitor publishes only changes, so without this a restarted node would vote on nothing it still
    /// sees as before.
    mutating func seedOwnVerdicts() {
        guard settings.node != nil else { return }
        let probed = Set(probedHere.map(\.key))
        var own = HealthTable(fleet.own.states.filter { probed.contains($0.key) })
        for key in probed where own.states[key] == nil {
            if let known = health.states[key] { own.set(known, for: key) }
        }
        fleet.own = own
    }

    /// This node's monitor changed its verdicts.
    mutating func ownVerdicts(_ update: HealthUpdate, now: Timestamp) -> [ControlEffect] {
        fleet.own = update.health
        for change in update.changes {
            fleet.ownSince[change.endpoint] = change.time
            fleet.ownCauses[change.endpoint] = change.causes
            if let last = change.causes.last { fleet.ownResults[change.endpoint] = last }
        }
        return update.changes.map { .report(.verdict($0)) } + decideFleetHealth(now: now)
    }

    /// A round of pulls from the peers finished.
    mutating func pulled(_ round: FleetRound, now: Timestamp) -> [ControlEffect] {
        fleet.ownResults.merge(round.ownResults) { _, new in new }
        var effects: [ControlEffect] = []
        for (node, pull) in round.pulls.sorted(by: { $0.key < $1.key }) {
            switch pull {
            case .success(let verdicts):
                fleet.peers[node] = verdicts
                if fleet.errors.removeValue(forKey: node) != nil { effects.append(.report(.peerRecovered(node))) }
            case .failure(let failure):
                if fleet.errors[node] != failure.message { effects.append(.report(.peerFailed(node, failure.message))) }
                fleet.errors[node] = failure.message
            }
        }
        return effects + decideFleetHealth(now: now)
    }

    /// Effective health for every endpoint from the verdicts held now; the changes are followed like a
    /// single controller's (`follow`), with every location's evidence attached.
    mutating func decideFleetHealth(now: Timestamp) -> [ControlEffect] {
        guard isFleet, let config = live.desired.fleet, let node = settings.node else { return [] }
        var definitions: [String: String] = [:]
        var table = health
        var changes: [HealthChange] = []
        var evidence: [EndpointKey: [LocationVerdict]] = [:]
        var stale: Set<EndpointKey> = []
        for target in targets {
            let (key, monitor) = (target.key, target.monitor)
            let definition = definitions[monitor.name] ?? monitor.probeFingerprint
            definitions[monitor.name] = definition
            let locations = config.locations(of: monitor)
            let verdicts = locations.map { location in
                location == node ? ownVerdict(key, node: node) : peerVerdict(key, monitor: monitor, definition: definition, at: location, now: now)
            }
            let last = health.states[key] ?? .unknown
            let outcome = EffectiveHealth.decide(quorum: monitor.quorum, locations: locations.count, verdicts: verdicts, last: last)
            evidence[key] = verdicts
            if outcome.stale { stale.insert(key) }
            guard outcome.state != last else { continue }
            table.set(outcome.state, for: key)
            changes.append(HealthChange(endpoint: key, from: last, to: outcome.state, causes: fleet.ownCauses[key] ?? [],
                                        time: outcome.decidedAt ?? now, locations: verdicts))
        }
        fleet.evidence = evidence
        fleet.stale = stale
        guard !changes.isEmpty else { return [] }
        return follow(HealthUpdate(health: table, changes: changes), now: now)
    }

    private func ownVerdict(_ key: EndpointKey, node: String) -> LocationVerdict {
        LocationVerdict(location: node, state: fleet.own.states[key] ?? .unknown, since: fleet.ownSince[key],
                        result: fleet.ownResults[key], fresh: true)
    }

    private func peerVerdict(_ key: EndpointKey, monitor: Monitor, definition: String, at location: String, now: Timestamp) -> LocationVerdict {
        guard let peer = fleet.peers[location] else {
            return LocationVerdict(location: location, state: .unknown, since: nil, result: nil, fresh: false)
        }
        let fresh = now.milliseconds(since: peer.pulledAt) <= monitor.freshness.millisecondCount
        guard let held = peer.monitors[monitor.name] else {
            return LocationVerdict(location: location, state: .unknown, since: nil, result: nil, fresh: fresh, sameDefinition: false)
        }
        guard let verdict = held.endpoints[key.value.description] else {
            return LocationVerdict(location: location, state: .unknown, since: nil, result: nil, fresh: fresh,
                                   sameDefinition: held.definition == definition)
        }
        let result = verdict.ok.map { ok in
            ProbeResult(isSuccess: ok, detail: verdict.detail ?? "", latency: .milliseconds(Int64((verdict.latencyMilliseconds ?? 0).rounded())))
        }
        return LocationVerdict(location: location, state: HealthState(rawValue: verdict.state) ?? .unknown,
                               since: verdict.since.map(Timestamp.init(millisecondsSince1970:)), result: result, fresh: fresh,
                               sameDefinition: held.definition == definition)
    }

    /// A flapping policy's summary, named alike on every node: every node held the same events.
    func fleetSummaryID(_ policy: PolicyID, held: FlapGuard.Held) -> String {
        Self.uuid([policy.description, "summary", held.events.first?.id ?? "", String(held.first.millisecondsSince1970)]
            .joined(separator: "\u{1f}"))
    }

    /// The width of the time buckets in fleet event ids: nodes that date a change a little apart still
    /// name its event alike.
    static let eventBucket: Int64 = 60_000

    /// Names each event the same on every node: from the policy, the move, the time bucket of the change
    /// (dated by the verdicts) and the git revision. A second event with the same name within an hour
    /// (a policy that flapped within one bucket) gets the next name in a sequence, the same everywhere
    /// that saw the same events.
    mutating func fleetEventIDs(_ events: [FailoverEvent], now: Timestamp) -> [FailoverEvent] {
        fleet.recentIDs = fleet.recentIDs.filter { now.milliseconds(since: $0.value) < 3_600_000 }
        return events.map { event in
            var event = event
            let base = [event.policy.description, event.kind.rawValue, event.region ?? "", event.before.description,
                        event.after.description, String(event.time.millisecondsSince1970 / Self.eventBucket), live.revision ?? ""]
                .joined(separator: "\u{1f}")
            var sequence = 0
            repeat {
                sequence += 1
                event.id = Self.uuid(base + "\u{1f}\(sequence)")
            } while fleet.recentIDs[event.id] != nil
            fleet.recentIDs[event.id] = now
            return event
        }
    }

    /// A name-based UUID (version 5 layout over SHA-256) of `text`.
    private static func uuid(_ text: String) -> String {
        var bytes = Array(SHA256.hash(data: Data(text.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x50
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}
