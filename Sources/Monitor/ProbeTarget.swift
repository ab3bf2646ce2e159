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
        let targets = state.monitoredEndpoints.compactMap { key in monitors[key.monitor].map { ProbeTarget(key: key, monitor: $0) } }
        return targets.sorted { ($0.key.monitor, $0.key.value.description) < ($1.key.monitor, $1.key.value.description) }
    }
}
