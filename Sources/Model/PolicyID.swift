/// The identity of a traffic policy: its kind and its name. Written `Kind/name` (`FailoverPolicy/www`)
/// in plans, events, logs and metrics; everywhere else it stays this value.
public struct PolicyID: Hashable, Comparable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        case failover = "FailoverPolicy"
        case weighted = "WeightedPolicy"
        case geo = "GeoPolicy"

        /// The manifest kind that declares a policy of this kind.
        public var manifestKind: Model.Kind {
            switch self {
            case .failover: .failoverPolicy
            case .weighted: .weightedPolicy
            case .geo: .geoPolicy
            }
        }
    }

    public var kind: Kind
    public var name: String

    public init(_ kind: Kind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// `FailoverPolicy/www`.
    public var description: String { "\(kind.rawValue)/\(name)" }

    /// Reads what `description` wrote; only where an identity comes back from storage or the wire.
    public init?(_ description: String) {
        guard let slash = description.firstIndex(of: "/"),
              let kind = Kind(rawValue: String(description[..<slash])) else { return nil }
        let name = description[description.index(after: slash)...]
        guard !name.isEmpty else { return nil }
        self.init(kind, String(name))
    }

    public static func < (lhs: PolicyID, rhs: PolicyID) -> Bool { lhs.description < rhs.description }
}

extension FailoverPolicy {
    public var id: PolicyID { PolicyID(.failover, name) }
}

extension WeightedPolicy {
    public var id: PolicyID { PolicyID(.weighted, name) }
}

extension GeoPolicy {
    public var id: PolicyID { PolicyID(.geo, name) }
}

extension DesiredState {
    /// Where a policy answers and whom it notifies, whatever its kind; nil when no such policy exists.
    public func policy(_ id: PolicyID) -> (target: PolicyTarget, notify: [String])? {
        switch id.kind {
        case .failover: failoverPolicies.first { $0.name == id.name }.map { ($0.target, $0.notify) }
        case .weighted: weightedPolicies.first { $0.name == id.name }.map { ($0.target, $0.notify) }
        case .geo: geoPolicies.first { $0.name == id.name }.map { ($0.target, $0.notify) }
        }
    }

    /// Every policy's identity and target, failover first, then weighted, then geo, by name within a kind.
    public var policyTargets: [(id: PolicyID, target: PolicyTarget)] {
        failoverPolicies.map { ($0.id, $0.target) } + weightedPolicies.map { ($0.id, $0.target) }
            + geoPolicies.map { ($0.id, $0.target) }
    }
}
