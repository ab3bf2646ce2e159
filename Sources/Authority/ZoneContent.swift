import DNSWire
import Model

/// What every version of one zone config shares: each name with its static RRsets (the apex NS among
/// them; not the SOA, whose serial is per version), the policy owners as names that exist, and the
/// static records' digest and size. Built once per config; a health change makes a new `ZoneData` around
/// the same content, so a flip costs the zone's policies, not its hundred thousand names.
final class ZoneContent: Sendable {
    let model: Zone
    let policyOwners: Set<Name>
    /// Every name that exists in the zone, empty non-terminals included.
    let nodes: [Name: Node]
    let hasDelegations: Bool
    let hasWildcards: Bool
    /// The digest and uncompressed size of the static records (SOA excluded).
    let digest: ZoneDigest
    let wireBytes: Int

    init(_ zone: Zone, policyOwners: Set<Name>) {
        model = zone
        self.policyOwners = policyOwners
        var sets: [Name: [RRSet]] = [:]
        sets.reserveCapacity(zone.records.count + 1)
        sets[zone.origin] = [RRSet(type: .ns, ttl: zone.ttl, data: zone.nameservers.map { .ns($0) })]
        for set in zone.records {
            sets[set.owner, default: []].append(RRSet(type: set.type, ttl: set.ttl, data: set.data))
        }
        // A policy's owner exists even with no static data (NODATA for other types, not NXDOMAIN).
        for owner in policyOwners where sets[owner] == nil {
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
        var digest = ZoneDigest()
        var bytes = 0
        Self.forEachStaticRecord(of: zone) { record in
            digest.add(record)
            bytes += record.uncompressedWireLength
        }
        self.digest = digest
        wireBytes = bytes
    }

    /// The static records a transfer sends (the apex NS first, then the rest in canonical order), SOA
    /// excluded: the zone's own, computed when asked so they are not held twice.
    func staticRecords() -> [ResourceRecord] {
        var records: [ResourceRecord] = []
        records.reserveCapacity(model.records.count + model.nameservers.count)
        Self.forEachStaticRecord(of: model) { records.append($0) }
        return records
    }

    static func forEachStaticRecord(of zone: Zone, _ body: (ResourceRecord) -> Void) {
        for nameserver in zone.nameservers { body(ResourceRecord(name: zone.origin, ttl: zone.ttl, data: .ns(nameserver))) }
        for set in zone.records {
            for data in set.data { body(ResourceRecord(name: set.owner, ttl: set.ttl, data: data)) }
        }
    }
}
