/// A change of one endpoint's health verdict, with the probe results that caused it: the run of equal
/// outcomes that reached the threshold, oldest first.
public struct HealthChange: Hashable, Sendable {
    public var endpoint: EndpointKey
    public var from: HealthState
    public var to: HealthState
    public var causes: [ProbeResult]
    public var time: Timestamp

    public init(endpoint: EndpointKey, from: HealthState, to: HealthState, causes: [ProbeResult], time: Timestamp) {
        self.endpoint = endpoint
        self.from = from
        self.to = to
        self.causes = causes
        self.time = time
    }
}
