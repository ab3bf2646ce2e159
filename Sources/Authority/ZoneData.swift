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

/// A secondary as this version of the zone knows it: an address (a host name already resolved), the
/// port NOTIFY goes to, and the key its transfers and NOTIFYs are signed with.
public struct ResolvedSecondary: Hashable, Sendable {
    public let address: IPAddress
    public let port: UInt16
    public let key: TSIGKey?

    public init(address: IPAddress, port: UInt16, key: TSIGKey?) {
        self.address = address
        self.port = port
        self.key = key
    }
}

/// One version of one zone as served, immutable: built on each config or health change that touches the
/// zone, read by any number of queries at once. The static names are `content`'s, shared with the other
/// versions of the same config; the version adds the SOA with its serial, the policies' answers, what a
/// transfer sends for them, and the journal that IXFR answers from.
public final class ZoneData: Sendable {
    public let name: String
    public let origin: Name
    public let serial: UInt32
    /// The SOA record, with the current serial.
    public let soa: ResourceRecord
    /// The SOA as it goes into negative answers: TTL = min(SOA TTL, SOA minimum) (RFC 2308 §5).
    let negativeSOA: ResourceRecord
    let content: ZoneContent
    /// The apex node with the SOA among its RRsets (the content's apex has no SOA).
    private let apex: Node
    /// Traffic policies by owner name, with what each serves now.
    public let policies: [Name: ServedPolicy]
    /// What a transfer sends for each policy owner: what a client without location gets now, ALIAS
    /// flattened into the A/AAAA records of its target.
    public let policyRecords: [Name: [ResourceRecord]]
    /// Who gets NOTIFY and may transfer: the zone's secondaries and those of the catalogs listing it.
    public let secondaries: [ResolvedSecondary]
    /// The versions before this one, for IXFR.
    public let journal: ZoneJournal
    /// What this version transfers, as a digest (SOA included, its serial not).
    public let digest: ZoneDigest
    /// Octets the whole zone takes in a transfer, uncompressed.
    public let transferBytes: Int
    /// Signs answers to DO queries; nil for a zone not signed.
    public let signer: ZoneSigner?
    /// What a signed zone's version transfers besides its data: key sets, NSEC chain, signatures.
    let signed: SignedZone?

    var model: Zone { content.model }
    var hasDelegations: Bool { content.hasDelegations }
    var hasWildcards: Bool { content.hasWildcards }

    init(content: ZoneContent, policies: [Name: ServedPolicy], policyRecords: [Name: [ResourceRecord]], serial: UInt32,
         journal: ZoneJournal, digest: ZoneDigest, secondaries: [ResolvedSecondary], signer: ZoneSigner? = nil,
         signed: SignedZone? = nil) {
        self.signer = signer
        self.signed = signed
        let zone = content.model
        name = zone.name
        origin = zone.origin
        self.serial = serial
        self.content = content
        self.policies = policies
        self.policyRecords = policyRecords
        self.journal = journal
        self.digest = digest
        self.secondaries = secondaries
        soa = Self.soaRecord(of: zone, serial: serial)
        negativeSOA = ResourceRecord(name: zone.origin, ttl: min(zone.ttl, zone.soa.negativeTTL), data: soa.data)
        let apexSets = content.nodes[zone.origin]?.rrsets ?? []
        apex = Node(rrsets: apexSets + [RRSet(type: .soa, ttl: zone.ttl, data: [soa.data])] + (signer?.keyRRsets(ttl: zone.ttl) ?? []),
                    isDelegation: false)
        transferBytes = content.wireBytes + policyRecords.values.joined().reduce(0) { $0 + $1.uncompressedWireLength }
            + 2 * soa.uncompressedWireLength + (signed?.transferBytes ?? 0)
    }

    /// The zone's SOA record at `serial`.
    static func soaRecord(of zone: Zone, serial: UInt32) -> ResourceRecord {
        ResourceRecord(name: zone.origin, ttl: zone.ttl, data: .soa(RData.SOA(
            primary: zone.soa.primary, contact: zone.soa.contact, serial: serial, refresh: zone.soa.refresh,
            retry: zone.soa.retry, expire: zone.soa.expire, minimum: zone.soa.negativeTTL)))
    }

    /// The node at `name`, or nil when the name does not exist here.
    public func node(_ name: Name) -> Node? {
        name == origin ? apex : content.nodes[name]
    }

    /// The deepest zone cut at or above `name` (below the apex), if any: the node that delegates it.
    func delegation(covering name: Name) -> (owner: Name, node: Node)? {
        guard hasDelegations else { return nil }
        var best: (Name, Node)? = nil
        var candidate: Name? = name
        // Walk up to the apex; the highest cut wins, since data below a cut is not ours (RFC 1034 §4.3.2).
        while let current = candidate, current != origin {
            if let node = content.nodes[current], node.isDelegation { best = (current, node) }
            candidate = current.parent
        }
        return best
    }
}
