import DNSWire
import Model

/// One RRset as served. Its data array is the model's own (shared, not copied), so a snapshot of a
/// million records costs little more than the model it is built from.
public struct RRSet: Sendable {
    public let type: RRType
    public let ttl: UInt32
    public let data: [RData]

    /// The records under `owner`: the asked name, which is also how a wildcard answer is synthesized
    /// (RFC 4592 §3.3.1).
    func records(owner: Name) -> [ResourceRecord] {
        data.map { ResourceRecord(name: owner, ttl: ttl, data: $0) }
    }
}

/// Everything at one owner name. A node with no RRsets is an empty non-terminal: it exists (so queries
/// for it answer NODATA, not NXDOMAIN; RFC 8020) because names below it do.
public struct Node: Sendable {
    /// Sorted by type. A small array: most names hold one or two RRsets, and a dictionary per name
    /// would cost far more memory for no faster lookup.
    public let rrsets: [RRSet]

    /// True when this node is a zone cut: NS records below the apex delegate it.
    let isDelegation: Bool

    init(rrsets: [RRSet]) {
        self.rrsets = rrsets.sorted { $0.type < $1.type }
        isDelegation = false
    }

    init(rrsets: [RRSet], isDelegation: Bool) {
        self.rrsets = rrsets.sorted { $0.type < $1.type }
        self.isDelegation = isDelegation
    }

    /// The RRset of `type`, or nil.
    public func rrset(_ type: RRType) -> RRSet? {
        rrsets.first { $0.type == type }
    }
}

/// One zone as served, immutable: built once per config or health change, read by any number of
/// queries at once.
public final class ZoneData: Sendable {
    public let name: String
    public let origin: Name
    public let serial: UInt32
    /// The SOA record, with the current serial.
    public let soa: ResourceRecord
    /// The SOA as it goes into negative answers: TTL = min(SOA TTL, SOA minimum) (RFC 2308 §5).
    let negativeSOA: ResourceRecord
    /// Every name that exists in the zone, empty non-terminals included.
    public let nodes: [Name: Node]
    let hasDelegations: Bool
    let hasWildcards: Bool
    /// The model this was built from, to tell whether a new config changes the zone.
    let model: Zone
    /// Traffic policies by owner name, with what each serves now.
    public let policies: [Name: ServedPolicy]

    /// Where NOTIFY goes and who may transfer.
    public var secondaries: [Secondary] { model.secondaries }

    /// Builds the zone's nodes from the model and its policies; `serial` is the one to serve.
    init(_ zone: Zone, policies: [Name: ServedPolicy], serial: UInt32) {
        name = zone.name
        origin = zone.origin
        self.serial = serial
        model = zone
        self.policies = policies
        let soaData = RData.SOA(primary: zone.soa.primary, contact: zone.soa.contact, serial: serial,
                                refresh: zone.soa.refresh, retry: zone.soa.retry, expire: zone.soa.expire,
                                minimum: zone.soa.negativeTTL)
        soa = ResourceRecord(name: zone.origin, ttl: zone.ttl, data: .soa(soaData))
        negativeSOA = ResourceRecord(name: zone.origin, ttl: min(zone.ttl, zone.soa.negativeTTL), data: .soa(soaData))

        var sets: [Name: [RRSet]] = [:]
        sets.reserveCapacity(zone.records.count + 1)
        sets[zone.origin] = [RRSet(type: .soa, ttl: zone.ttl, data: [soa.data]),
                             RRSet(type: .ns, ttl: zone.ttl, data: zone.nameservers.map { .ns($0) })]
        for set in zone.records {
            sets[set.owner, default: []].append(RRSet(type: set.type, ttl: set.ttl, data: set.data))
        }
        // A policy's owner exists even with no static data (NODATA for other types, not NXDOMAIN).
        for owner in policies.keys where sets[owner] == nil {
            sets[owner] = []
        }
        var nodes: [Name: Node] = [:]
        nodes.reserveCapacity(sets.count + sets.count / 4)
        var hasWildcards = false
        func node(_ owner: Name, _ rrsets: [RRSet]) -> Node {
            Node(rrsets: rrsets, isDelegation: owner != zone.origin && rrsets.contains { $0.type == .ns })
        }
        for (owner, rrsets) in sets {
            nodes[owner] = node(owner, rrsets)
            hasWildcards = hasWildcards || owner.isWildcard
            // Every name between the owner and the apex exists, if only as an empty non-terminal.
            var ancestor = owner.parent
            while let name = ancestor, name != zone.origin, name.isSubdomain(of: zone.origin), nodes[name] == nil {
                nodes[name] = node(name, sets[name] ?? [])
                ancestor = name.parent
            }
        }
        self.nodes = nodes
        self.hasWildcards = hasWildcards
        hasDelegations = nodes.values.contains { $0.isDelegation }
    }

    /// The deepest zone cut at or above `name` (below the apex), if any: the node that delegates it.
    func delegation(covering name: Name) -> (owner: Name, node: Node)? {
        guard hasDelegations else { return nil }
        var best: (Name, Node)? = nil
        var candidate: Name? = name
        // Walk up to the apex; the highest cut wins, since data below a cut is not ours (RFC 1034 §4.3.2).
        while let current = candidate, current != origin {
            if let node = nodes[current], node.isDelegation { best = (current, node) }
            candidate = current.parent
        }
        return best
    }
}
