import Model
import Monitor

extension ControlCore {
    /// What this node probes: in a fleet, the monitors whose `from` lists it (or every node).
    var probedHere: [ProbeTarget] {
        guard isFleet, let node = settings.node else { return targets }
        return targets.filter { $0.monitor.from.isEmpty || $0.monitor.from.contains(node) }
    }

    /// The fleet as readers see it (admin API, status page, metrics, the fleet service).
    func fleetPublication(now: Timestamp) -> FleetPublication? {
        guard isFleet, let config = live.desired.fleet, let node = settings.node else { return nil }
        let interval = targets.map(\.monitor.interval).min() ?? .seconds(10)
        let staleAfter = targets.map(\.monitor.freshness).min() ?? interval * 3
        let peers = config.nodes.filter { $0.name != node }.map { peer in
            let pulled = fleet.peers[peer.name]
            return FleetPublication.Peer(node: peer, lastPull: pulled?.pulledAt, error: fleet.errors[peer.name],
                                         fresh: pulled.map { now.milliseconds(since: $0.pulledAt) <= staleAfter.millisecondCount } ?? false,
                                         revision: pulled?.revision, generation: pulled?.generation, delivered: pulled?.delivered ?? [],
                                         pending: pulled?.pending ?? [])
        }
        var definitions: [String: String] = [:]
        for monitor in live.desired.monitors { definitions[monitor.name] = monitor.probeFingerprint }
        return FleetPublication(fleet: config, node: node, pullInterval: interval, staleAfter: staleAfter, peers: peers,
                                own: fleet.own, ownSince: fleet.ownSince, probed: Set(probedHere.map(\.key)), definitions: definitions,
                                evidence: fleet.evidence, stale: fleet.stale)
    }
}

/// The fleet, published by the loop for readers on other threads.
struct FleetPublication: Sendable {
    struct Peer: Sendable {
        var node: Fleet.Node
        var lastPull: Timestamp?
        var error: String?
        var fresh: Bool
        var revision: String?
        var generation: Int?
        var delivered: Set<String>
        var pending: Set<String>
    }

    var fleet: Fleet
    var node: String
    /// The shortest probe interval: peers are pulled this often.
    var pullInterval: Duration
    /// The shortest staleness bound: a peer not pulled for longer is stale.
    var staleAfter: Duration
    var peers: [Peer]
    /// This node's own verdicts, on the endpoints it probes.
    var own: HealthTable
    var ownSince: [EndpointKey: Timestamp]
    var probed: Set<EndpointKey>
    /// Each monitor's `probeFingerprint`.
    var definitions: [String: String]
    var evidence: [EndpointKey: [LocationVerdict]]
    var stale: Set<EndpointKey>
}
