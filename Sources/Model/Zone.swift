import DNSWire

/// An authoritative zone with its static records.
public struct Zone: Hashable, Sendable {
    /// The manifest name, which is also the origin's text (`example.com`).
    public var name: String
    public var origin: Name
    /// The TTL of static records that do not set their own.
    public var ttl: UInt32
    public var soa: SOASettings
    /// The apex NS set.
    public var nameservers: [Name]
    /// Servers that get NOTIFY and may transfer the zone.
    public var secondaries: [Secondary]
    /// Static record sets, sorted by owner (canonical order) then type.
    public var records: [RecordSet]

    public init(name: String, origin: Name, ttl: UInt32, soa: SOASettings, nameservers: [Name],
                secondaries: [Secondary] = [], records: [RecordSet] = []) {
        self.name = name
        self.origin = origin
        self.ttl = ttl
        self.soa = soa
        self.nameservers = nameservers
        self.secondaries = secondaries
        // Canonical order of owners (RFC 4034 §6.1), then type; one key per record keeps this fast for
        // zones of many thousands of records.
        self.records = records.map { (key: $0.owner.canonicalSortKey, record: $0) }
            .sorted { precedes($0.key, $1.key, orSameAnd: $0.record.type < $1.record.type) }
            .map(\.record)
    }
}

/// The SOA fields an operator sets; the serial is Switchyard's to manage.
public struct SOASettings: Hashable, Sendable {
    public var primary: Name
    /// The contact mailbox as a name (`hostmaster.example.com.`).
    public var contact: Name
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    /// Negative-caching TTL (RFC 2308).
    public var negativeTTL: UInt32

    public init(primary: Name, contact: Name, refresh: UInt32, retry: UInt32, expire: UInt32, negativeTTL: UInt32) {
        self.primary = primary
        self.contact = contact
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.negativeTTL = negativeTTL
    }
}

/// A secondary server: where NOTIFY goes and who may transfer.
public struct Secondary: Hashable, Sendable {
    public var address: IPAddress
    public var port: UInt16
    /// The name of a TSIG key whose secret comes from the controller's environment or files.
    public var tsigKey: String?

    public init(address: IPAddress, port: UInt16 = 53, tsigKey: String? = nil) {
        self.address = address
        self.port = port
        self.tsigKey = tsigKey
    }
}

/// All static records of one owner and type.
public struct RecordSet: Hashable, Sendable {
    public var owner: Name
    public var type: RRType
    public var ttl: UInt32
    public var data: [RData]

    public init(owner: Name, type: RRType, ttl: UInt32, data: [RData]) {
        self.owner = owner
        self.type = type
        self.ttl = ttl
        self.data = data
    }
}

/// Byte-wise order of two keys, with `tieBreak` deciding equal ones; unsafe pointers because this runs
/// a million times when a zone of 100,000 records is sorted.
private func precedes(_ a: [UInt8], _ b: [UInt8], orSameAnd tieBreak: @autoclosure () -> Bool) -> Bool {
    a.withUnsafeBufferPointer { left in
        b.withUnsafeBufferPointer { right in
            let common = min(left.count, right.count)
            var index = 0
            while index < common {
                if left[index] != right[index] { return left[index] < right[index] }
                index += 1
            }
            return left.count == right.count ? tieBreak() : left.count < right.count
        }
    }
}
