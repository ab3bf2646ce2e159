import DNSWire

/// One step of a zone's history as IXFR sends it (RFC 1995 §4): from one serial to the next, the records
/// deleted and the records added. The SOA is not among them; it frames each step.
public struct ZoneDelta: Hashable, Sendable {
    public var from: UInt32
    public var to: UInt32
    public var deleted: [ResourceRecord]
    public var added: [ResourceRecord]

    public init(from: UInt32, to: UInt32, deleted: [ResourceRecord], added: [ResourceRecord]) {
        self.from = from
        self.to = to
        self.deleted = deleted
        self.added = added
    }

    /// Octets the records take uncompressed: what the journal is bounded by.
    public var bytes: Int {
        (deleted + added).reduce(0) { $0 + $1.uncompressedWireLength }
    }
}

/// How much history each zone keeps: enough versions and bytes for a day of ordinary flapping (a change
/// a minute is 1,440 versions of a few hundred octets), and little memory for a large apply.
public struct JournalLimits: Hashable, Sendable {
    public var versions: Int
    public var bytes: Int

    public init(versions: Int = 2000, bytes: Int = 8 << 20) {
        self.versions = versions
        self.bytes = bytes
    }
}

/// A zone's recent history, oldest first, each delta continuing the last: what IXFR answers from. Kept
/// in memory with the zone (so a transfer needs no I/O) and in the store (so it survives a restart).
public struct ZoneJournal: Hashable, Sendable {
    public private(set) var deltas: [ZoneDelta]
    public private(set) var bytes: Int

    public init(deltas: [ZoneDelta] = []) {
        self.deltas = deltas
        bytes = deltas.reduce(0) { $0 + $1.bytes }
    }

    /// The journal with `delta` appended, its oldest deltas dropped to stay within `limits`. A delta that
    /// alone exceeds the bytes limit leaves the journal empty: from before it, only a full transfer does.
    public func appending(_ delta: ZoneDelta, limits: JournalLimits) -> ZoneJournal {
        let size = delta.bytes
        guard size <= limits.bytes, limits.versions > 0 else { return ZoneJournal() }
        var next = self
        if let last = next.deltas.last, last.to != delta.from { next = ZoneJournal() }  // a gap: the old history no longer chains
        next.deltas.append(delta)
        next.bytes += size
        var drop = 0
        while next.deltas.count - drop > limits.versions || next.bytes > limits.bytes {
            next.bytes -= next.deltas[drop].bytes
            drop += 1
        }
        if drop > 0 { next.deltas.removeFirst(drop) }
        return next
    }

    /// The change from `serial` to the newest version, condensed into one delta (RFC 1995 §6): a record
    /// added and deleted again in between is in neither list. Nil when the journal does not reach back to
    /// `serial`.
    public func changes(since serial: UInt32) -> ZoneDelta? {
        guard let start = deltas.firstIndex(where: { $0.from == serial }), let last = deltas.last else { return nil }
        var deleted: [ResourceRecord] = []
        var added: [ResourceRecord] = []
        var deletedSet: Set<ResourceRecord> = []
        var addedSet: Set<ResourceRecord> = []
        for delta in deltas[start...] {
            for record in delta.deleted {
                if addedSet.remove(record) != nil { continue }  // added in this range, gone again
                if deletedSet.insert(record).inserted { deleted.append(record) }
            }
            for record in delta.added {
                if deletedSet.remove(record) != nil { continue }  // deleted in this range, back again
                if addedSet.insert(record).inserted { added.append(record) }
            }
        }
        // A record can come back and go again (a flapping endpoint): each is sent once, where it first came.
        func kept(_ records: [ResourceRecord], _ set: Set<ResourceRecord>) -> [ResourceRecord] {
            var seen: Set<ResourceRecord> = []
            return records.filter { set.contains($0) && seen.insert($0).inserted }
        }
        return ZoneDelta(from: serial, to: last.to, deleted: kept(deleted, deletedSet), added: kept(added, addedSet))
    }
}
