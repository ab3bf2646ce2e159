import DNSWire

/// Everything the manifests declare, validated and compiled: what the controller makes true.
///
/// Each collection is sorted by name, so two states built from the same manifests are equal and a diff
/// of two states is deterministic.
public struct DesiredState: Hashable, Sendable {
    public var zones: [Zone]
    public var monitors: [Monitor]
    public var failoverPolicies: [FailoverPolicy]
    public var weightedPolicies: [WeightedPolicy]
    public var geoPolicies: [GeoPolicy]
    public var notifiers: [Notifier]
    public var catalogs: [Catalog]
    /// DNS servers we do not run, each the primary of one zone whose policies are pushed there.
    public var targets: [Target]
    /// The nodes that share this config and agree on health; nil for one controller on its own.
    public var fleet: Fleet?

    public init(zones: [Zone] = [], monitors: [Monitor] = [], failoverPolicies: [FailoverPolicy] = [],
                weightedPolicies: [WeightedPolicy] = [], geoPolicies: [GeoPolicy] = [], notifiers: [Notifier] = [],
                catalogs: [Catalog] = [], targets: [Target] = [], fleet: Fleet? = nil) {
        self.zones = zones.sorted { $0.name < $1.name }
        self.monitors = monitors.sorted { $0.name < $1.name }
        self.failoverPolicies = failoverPolicies.sorted { $0.name < $1.name }
        self.weightedPolicies = weightedPolicies.sorted { $0.name < $1.name }
        self.geoPolicies = geoPolicies.sorted { $0.name < $1.name }
        self.notifiers = notifiers.sorted { $0.name < $1.name }
        self.catalogs = catalogs.sorted { $0.name < $1.name }
        self.targets = targets.sorted { $0.name < $1.name }
        self.fleet = fleet
    }

    /// Every monitored endpoint of every policy (enabled or not) with its monitor, each once, in the
    /// order written: what the monitor probes and what `--assume-down` may name.
    public var monitoredEndpoints: [EndpointKey] {
        var endpoints: [Endpoint] = []
        for policy in failoverPolicies { endpoints += policy.tiers.flatMap(\.endpoints) }
        for policy in weightedPolicies { endpoints += policy.endpoints }
        for policy in geoPolicies {
            for region in policy.regions {
                if case .endpoints(let list) = region.answer { endpoints += list }
            }
        }
        var seen: Set<EndpointKey> = []
        return endpoints.compactMap { endpoint in
            guard let monitor = endpoint.monitor else { return nil }
            let key = EndpointKey(monitor: monitor, value: endpoint.value)
            return seen.insert(key).inserted ? key : nil
        }
    }

    /// Every TSIG key the config names (secondaries of zones and catalogs, targets), one per key name.
    public var tsigKeys: [TSIGKey] {
        var keys: [Name: TSIGKey] = [:]
        for key in (zones.flatMap(\.secondaries) + catalogs.flatMap(\.secondaries)).map(\.tsigKey) + targets.map(\.tsigKey) {
            if let key, keys[key.name] == nil { keys[key.name] = key }
        }
        return keys.values.sorted { $0.name.description < $1.name.description }
    }
}

/// The kinds of manifest document, as written in `kind:`.
public enum Kind: String, CaseIterable, Hashable, Sendable, Comparable {
    case zone = "Zone"
    case monitor = "Monitor"
    case failoverPolicy = "FailoverPolicy"
    case weightedPolicy = "WeightedPolicy"
    case geoPolicy = "GeoPolicy"
    case notifier = "Notifier"
    case catalog = "Catalog"
    case fleet = "Fleet"
    case target = "Target"

    public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A reference to a secret that never appears in a manifest, a plan or a log: only where to read it.
public enum SecretReference: Hashable, Sendable, CustomStringConvertible {
    /// An environment variable of the controller's process.
    case environment(String)
    /// A file on the controller's machine, read whole with the final newline removed.
    case file(String)

    /// The form manifests use: `env:NAME` or `file:/path`.
    public var description: String {
        switch self {
        case .environment(let name): "env:\(name)"
        case .file(let path): "file:\(path)"
        }
    }
}
