import AdminAPI
import Model

/// One peer's verdicts as this node last pulled them, indexed for lookups: by monitor, then by the
/// endpoint as written (`EndpointValue.description`).
struct PeerVerdicts: Sendable, Equatable {
    struct Monitor: Sendable, Equatable {
        var definition: String
        var endpoints: [String: AdminAPI.Verdicts.Verdict]
    }

    /// When this node got them (its own clock: staleness never compares two nodes' clocks).
    var pulledAt: Timestamp
    var revision: String?
    var generation: Int
    var monitors: [String: Monitor]
    var delivered: Set<String>
    var pending: Set<String>

    init(_ verdicts: AdminAPI.Verdicts, pulledAt: Timestamp) {
        self.pulledAt = pulledAt
        revision = verdicts.revision
        generation = verdicts.generation
        monitors = Dictionary(verdicts.monitors.map { monitor in
            (monitor.name, Monitor(definition: monitor.definition,
                                   endpoints: Dictionary(monitor.endpoints.map { ($0.endpoint, $0) }, uniquingKeysWith: { first, _ in first })))
        }, uniquingKeysWith: { first, _ in first })
        delivered = Set(verdicts.delivered)
        pending = Set(verdicts.pending)
    }
}

/// One round of pulls from every peer, made by the fleet service off the loop.
struct FleetRound: Sendable {
    /// Each peer's verdicts, or why they could not be had.
    var pulls: [String: Result<PeerVerdicts, PullFailure>]
    /// This node's own last probe result per endpoint, for the evidence in events and status.
    var ownResults: [EndpointKey: ProbeResult]
}

struct PullFailure: Error, Sendable, Equatable {
    let message: String
}

/// What a fleet node keeps beside the effective health: its own verdicts, its peers', and the evidence
/// each endpoint's effective state was decided on.
struct FleetView: Sendable {
    /// This node's own verdicts, from its monitor.
    var own = HealthTable()
    var ownSince: [EndpointKey: Timestamp] = [:]
    var ownCauses: [EndpointKey: [ProbeResult]] = [:]
    var ownResults: [EndpointKey: ProbeResult] = [:]
    /// Each peer's last successful pull, and the error of its last pull when that failed.
    var peers: [String: PeerVerdicts] = [:]
    var errors: [String: String] = [:]
    /// Per endpoint: every location's verdict at the last decision, and whether it was held (stale).
    var evidence: [EndpointKey: [LocationVerdict]] = [:]
    var stale: Set<EndpointKey> = []
    /// Event ids given out lately, so a policy that flaps twice in one time bucket gets two ids.
    var recentIDs: [String: Timestamp] = [:]
}
