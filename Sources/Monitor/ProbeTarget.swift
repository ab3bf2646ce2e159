import DNSWire
import Model

/// One thing the monitor probes: an endpoint value with the monitor that watches it.
public struct ProbeTarget: Hashable, Sendable {
    public var key: EndpointKey
    public var monitor: Monitor

    public init(key: EndpointKey, monitor: Monitor) {
        self.key = key
        self.monitor = monitor
    }

    public var value: EndpointValue { key.value }

    /// Every monitored endpoint of every policy, enabled or not, each once, sorted: all are probed all
    /// the time, so a failover only ever moves to a tier already known to be healthy, and an endpoint
    /// back from maintenance has a verdict before it is served.
    public static func all(in state: DesiredState) -> [ProbeTarget] {
        let monitors = Dictionary(state.monitors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var endpoints: [Endpoint] = []
        for policy in state.failoverPolicies { endpoints += policy.tiers.flatMap(\.endpoints) }
        for policy in state.weightedPolicies { endpoints += policy.endpoints }
        for policy in state.geoPolicies {
            for region in policy.regions {
                if case .endpoints(let list) = region.answer { endpoints += list }
            }
        }
        var seen: Set<EndpointKey> = []
        var targets: [ProbeTarget] = []
        for endpoint in endpoints {
            guard let name = endpoint.monitor, let monitor = monitors[name] else { continue }
            let key = EndpointKey(monitor: name, value: endpoint.value)
            if seen.insert(key).inserted { targets.append(ProbeTarget(key: key, monitor: monitor)) }
        }
        return targets.sorted { ($0.key.monitor, $0.key.value.description) < ($1.key.monitor, $1.key.value.description) }
    }
}
