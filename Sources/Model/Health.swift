/// What the monitor last concluded about one endpoint.
public enum HealthState: String, Hashable, Sendable {
    /// No verdict yet (just started, or never probed): served as if up, so a restart does not fail
    /// everything over.
    case unknown
    case up
    case down

    /// Whether answers may use the endpoint.
    public var isServable: Bool { self != .down }
}

/// What a monitor probes: one endpoint's value with one monitor. The same address watched by the same
/// monitor has one health, whichever policies list it.
public struct EndpointKey: Hashable, Sendable {
    public var monitor: String
    public var value: EndpointValue

    public init(monitor: String, value: EndpointValue) {
        self.monitor = monitor
        self.value = value
    }
}

/// The health of every monitored endpoint, as the monitor publishes it: an immutable value that
/// policies read (gdnsd's split: probes report, a state machine decides, resolvers read).
public struct HealthTable: Hashable, Sendable {
    public private(set) var states: [EndpointKey: HealthState]

    public init(_ states: [EndpointKey: HealthState] = [:]) {
        self.states = states
    }

    public static let allUnknown = HealthTable()

    /// The health of `endpoint`: always up when it has no monitor, unknown when not yet probed.
    public func state(of endpoint: Endpoint) -> HealthState {
        guard let monitor = endpoint.monitor else { return .up }
        return states[EndpointKey(monitor: monitor, value: endpoint.value)] ?? .unknown
    }

    public mutating func set(_ state: HealthState, for key: EndpointKey) {
        states[key] = state
    }

    /// Forgets `key`: it reads as unknown again.
    public mutating func remove(_ key: EndpointKey) {
        states[key] = nil
    }
}
