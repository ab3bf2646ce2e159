import DNSWire

/// The record type a policy answers.
public enum PolicyRecordType: String, CaseIterable, Hashable, Sendable {
    case a = "A"
    case aaaa = "AAAA"
    case cname = "CNAME"
    /// A CNAME-like pointer answered with the target's A/AAAA records, allowed at the zone apex.
    case alias = "ALIAS"

    /// The DNS types the policy's owner answers for: ALIAS answers both A and AAAA.
    public var answeredTypes: [RRType] {
        switch self {
        case .a: [.a]
        case .aaaa: [.aaaa]
        case .cname: [.cname]
        case .alias: [.a, .aaaa]
        }
    }
}

/// Where one policy lives: zone, owner name and type, and the TTL of its answers.
public struct PolicyTarget: Hashable, Sendable {
    /// The zone's manifest name.
    public var zone: String
    public var owner: Name
    public var type: PolicyRecordType
    public var ttl: UInt32

    public init(zone: String, owner: Name, type: PolicyRecordType, ttl: UInt32) {
        self.zone = zone
        self.owner = owner
        self.type = type
        self.ttl = ttl
    }
}

/// What a policy may answer with: an address for A/AAAA, a name for CNAME/ALIAS.
public enum EndpointValue: Hashable, Sendable, CustomStringConvertible {
    case address(IPAddress)
    case target(Name)

    public var description: String {
        switch self {
        case .address(let address): address.description
        case .target(let name): name.description
        }
    }
}

extension EndpointValue {
    /// Reads what `description` wrote: an IP address, else a domain name.
    public init?(text: String) {
        if let address = IPAddress(text) {
            self = .address(address)
        } else if let name = try? Name(text) {
            self = .target(name)
        } else {
            return nil
        }
    }
}

/// One answer a policy can give, with how it is weighted, monitored and switched.
public struct Endpoint: Hashable, Sendable {
    public var value: EndpointValue
    public var weight: Int
    /// The monitor that probes this endpoint: its own override or the policy's default; nil if none.
    public var monitor: String?
    /// False takes the endpoint out of service (maintenance), even under failsafe.
    public var isEnabled: Bool

    public init(value: EndpointValue, weight: Int = 1, monitor: String? = nil, isEnabled: Bool = true) {
        self.value = value
        self.weight = weight
        self.monitor = monitor
        self.isEnabled = isEnabled
    }
}

/// What to answer when no endpoint of a policy is healthy.
public enum AllDownBehavior: String, CaseIterable, Hashable, Sendable {
    /// Answer as if every enabled endpoint were up (Route 53 and gdnsd do the same).
    case failsafe
    /// Answer NODATA.
    case none
}

/// Whether a failover policy returns to a higher tier on its own once it is healthy again.
public enum FailbackMode: String, CaseIterable, Hashable, Sendable {
    case auto
    case manual
}

/// Ordered tiers: the first with a healthy endpoint answers with all its healthy endpoints.
public struct FailoverPolicy: Hashable, Sendable {
    public struct Tier: Hashable, Sendable {
        public var name: String
        public var endpoints: [Endpoint]
        public init(name: String, endpoints: [Endpoint]) {
            self.name = name
            self.endpoints = endpoints
        }
    }

    public var name: String
    public var target: PolicyTarget
    public var tiers: [Tier]
    public var whenAllDown: AllDownBehavior
    public var failback: FailbackMode
    /// With `failback: manual`: a policy that failed over stays on its lower tier after the primary
    /// recovers until this value changes (any new value, committed to git) — the operator's release.
    public var failbackToken: String?
    public var notify: [String]

    public init(name: String, target: PolicyTarget, tiers: [Tier], whenAllDown: AllDownBehavior = .failsafe,
                failback: FailbackMode = .auto, failbackToken: String? = nil, notify: [String] = []) {
        self.name = name
        self.target = target
        self.tiers = tiers
        self.whenAllDown = whenAllDown
        self.failback = failback
        self.failbackToken = failbackToken
        self.notify = notify
    }
}

/// Picks `answers` endpoints at random in proportion to weight among the healthy ones.
public struct WeightedPolicy: Hashable, Sendable {
    public var name: String
    public var target: PolicyTarget
    public var answers: Int
    public var endpoints: [Endpoint]
    public var whenAllDown: AllDownBehavior
    public var notify: [String]

    public init(name: String, target: PolicyTarget, answers: Int = 1, endpoints: [Endpoint],
                whenAllDown: AllDownBehavior = .failsafe, notify: [String] = []) {
        self.name = name
        self.target = target
        self.answers = answers
        self.endpoints = endpoints
        self.whenAllDown = whenAllDown
        self.notify = notify
    }
}

/// Answers by client location: the first region that matches, else the default region.
public struct GeoPolicy: Hashable, Sendable {
    public struct Region: Hashable, Sendable {
        public var name: String
        /// Continent codes (AF AN AS EU NA OC SA).
        public var continents: [String]
        /// ISO 3166-1 alpha-2 country codes.
        public var countries: [String]
        /// Names of the policy's `networks`.
        public var networks: [String]
        public var isDefault: Bool
        public var answer: RegionAnswer

        public init(name: String, continents: [String] = [], countries: [String] = [], networks: [String] = [],
                    isDefault: Bool = false, answer: RegionAnswer) {
            self.name = name
            self.continents = continents
            self.countries = countries
            self.networks = networks
            self.isDefault = isDefault
            self.answer = answer
        }
    }

    /// A region answers with its own endpoints or hands the question to another policy.
    public enum RegionAnswer: Hashable, Sendable {
        case endpoints([Endpoint])
        /// A FailoverPolicy or WeightedPolicy.
        case use(PolicyID)
    }

    public var name: String
    public var target: PolicyTarget
    /// Named CIDR lists, in the order written.
    public var networks: [NamedNetwork]
    public var regions: [Region]
    public var whenAllDown: AllDownBehavior
    public var notify: [String]

    public init(name: String, target: PolicyTarget, networks: [NamedNetwork] = [], regions: [Region],
                whenAllDown: AllDownBehavior = .failsafe, notify: [String] = []) {
        self.name = name
        self.target = target
        self.networks = networks
        self.regions = regions
        self.whenAllDown = whenAllDown
        self.notify = notify
    }
}

/// A named list of networks a geo region can match.
public struct NamedNetwork: Hashable, Sendable {
    public var name: String
    public var prefixes: [CIDR]
    public init(name: String, prefixes: [CIDR]) {
        self.name = name
        self.prefixes = prefixes
    }
}
