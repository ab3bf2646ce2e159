/// A change of one endpoint's health verdict, with the probe results that caused it: the run of equal
/// outcomes that reached the threshold, oldest first.
public struct HealthChange: Hashable, Sendable {
    public var endpoint: EndpointKey
    public var from: HealthState
    public var to: HealthState
    public var causes: [ProbeResult]
    public var time: Timestamp
    /// In a fleet: every location's verdict when the change was decided, in fleet order.
    public var locations: [LocationVerdict]

    public init(endpoint: EndpointKey, from: HealthState, to: HealthState, causes: [ProbeResult], time: Timestamp,
                locations: [LocationVerdict] = []) {
        self.endpoint = endpoint
        self.from = from
        self.to = to
        self.causes = causes
        self.time = time
        self.locations = locations
    }
}

/// One location's verdict on one endpoint, as a fleet node sees it: the evidence behind effective health.
public struct LocationVerdict: Hashable, Sendable {
    public var location: String
    public var state: HealthState
    /// When the location's verdict last changed.
    public var since: Timestamp?
    /// The location's last probe result.
    public var result: ProbeResult?
    /// Recent enough to count (`Monitor.freshness`).
    public var fresh: Bool
    /// The location probes with the same monitor definition as this node; a verdict about something else
    /// does not count.
    public var sameDefinition: Bool

    public init(location: String, state: HealthState, since: Timestamp?, result: ProbeResult?, fresh: Bool, sameDefinition: Bool = true) {
        self.location = location
        self.state = state
        self.since = since
        self.result = result
        self.fresh = fresh
        self.sameDefinition = sameDefinition
    }

    /// Whether it is a vote: fresh, about the same probe, and up or down.
    public var counts: Bool { fresh && sameDefinition && state != .unknown }
}
