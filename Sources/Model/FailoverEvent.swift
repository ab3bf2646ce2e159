import DNSWire

/// A change of what a policy serves, caused by health: what the notifier sends and the store records.
public struct FailoverEvent: Hashable, Sendable {
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        /// Moved away from failed endpoints: a lower tier serves, or fewer endpoints do.
        case failover
        /// Moved back: a higher tier serves again, or endpoints returned.
        case failback
        /// Nothing healthy is left: the failsafe answers as if all were up, or NODATA with `whenAllDown: none`.
        case allDown
        /// Something is healthy again after all were down.
        case recovered
    }

    /// Unique; the notifier's idempotency key.
    public var id: String
    public var kind: Kind
    public var policy: PolicyID
    /// The zone's manifest name, the owner and the type answered.
    public var zone: String
    public var owner: Name
    public var type: PolicyRecordType
    /// For a geo policy, the region whose answer changed.
    public var region: String?
    public var before: ServedEndpoints
    public var after: ServedEndpoints
    /// The health changes of this policy's endpoints that caused it.
    public var causes: [HealthChange]
    public var time: Timestamp

    public init(id: String, kind: Kind, policy: PolicyID, zone: String, owner: Name, type: PolicyRecordType,
                region: String? = nil, before: ServedEndpoints, after: ServedEndpoints, causes: [HealthChange],
                time: Timestamp) {
        self.id = id
        self.kind = kind
        self.policy = policy
        self.zone = zone
        self.owner = owner
        self.type = type
        self.region = region
        self.before = before
        self.after = after
        self.causes = causes
        self.time = time
    }
}

/// What a policy served at one moment, for people: the tier, the values, and whether the failsafe or
/// NODATA answered.
public struct ServedEndpoints: Hashable, Sendable, CustomStringConvertible {
    /// A failover policy's tier name.
    public var tier: String?
    public var values: [EndpointValue]
    /// Nothing was healthy and the failsafe answered as if everything enabled were up.
    public var isFailsafe: Bool

    public init(tier: String? = nil, values: [EndpointValue], isFailsafe: Bool = false) {
        self.tier = tier
        self.values = values
        self.isFailsafe = isFailsafe
    }

    /// `primary (203.0.113.10)`, `failsafe: primary (203.0.113.10)`, `nothing (NODATA)`.
    public var description: String {
        if values.isEmpty { return "nothing (NODATA)" }
        let list = values.map(\.description).joined(separator: ", ")
        let served = tier.map { "\($0) (\(list))" } ?? list
        return isFailsafe ? "failsafe: \(served)" : served
    }
}
