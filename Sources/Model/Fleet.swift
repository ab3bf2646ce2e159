/// Several Switchyard nodes in several places that probe every monitor and agree on health by quorum.
/// Each node is a whole controller (it serves DNS and reads the same git repository); they exchange
/// only their probe verdicts, over each node's admin API.
public struct Fleet: Hashable, Sendable {
    public struct Node: Hashable, Sendable {
        public var name: String
        /// The node's admin API, `http://` or `https://`: where its peers pull its verdicts.
        public var admin: String

        public init(name: String, admin: String) {
            self.name = name
            self.admin = admin
        }
    }

    public var name: String
    /// In fleet order: the first fresh node delivers each event.
    public var nodes: [Node]
    /// The token nodes present to each other.
    public var token: SecretReference
    /// A PEM bundle to verify the nodes' TLS certificates against, instead of the system's.
    public var caFile: String?

    public init(name: String, nodes: [Node], token: SecretReference, caFile: String? = nil) {
        self.name = name
        self.nodes = nodes
        self.token = token
        self.caFile = caFile
    }

    public func node(named name: String) -> Node? { nodes.first { $0.name == name } }

    /// The nodes that probe `monitor`: its `from` list in fleet order, else every node.
    public func locations(of monitor: Monitor) -> [String] {
        monitor.from.isEmpty ? nodes.map(\.name) : nodes.map(\.name).filter(monitor.from.contains)
    }
}

/// How many locations must see an endpoint down for it to be down.
public enum Quorum: Hashable, Sendable, CustomStringConvertible {
    case count(Int)
    /// More than half of the locations that probe it.
    case majority
    case all
    case any

    /// The number of down verdicts needed among `locations` probing locations (at least 1).
    public func needed(of locations: Int) -> Int {
        switch self {
        case .count(let count): count
        case .majority: locations / 2 + 1
        case .all: max(1, locations)
        case .any: 1
        }
    }

    public var description: String {
        switch self {
        case .count(let count): String(count)
        case .majority: "majority"
        case .all: "all"
        case .any: "any"
        }
    }
}
