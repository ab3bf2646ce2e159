import DNSWire

/// What signs one zone's answers: its key, the shared signature cache, and the apex RRsets that publish
/// the key (DNSKEY, and CDS and CDNSKEY for a parent that scans, RFC 7344 §4).
public struct ZoneSigner: Sendable {
    public let key: ZoneSigningKey
    let origin: Name
    let cache: SignatureCache

    init(key: ZoneSigningKey, origin: Name, cache: SignatureCache) {
        self.key = key
        self.origin = origin
        self.cache = cache
    }

    /// The DS a parent publishes for this zone.
    public var ds: DS { key.ds(owner: origin) }

    /// DNSKEY, CDS and CDNSKEY at the apex, at `ttl`.
    func keyRRsets(ttl: UInt32) -> [RRSet] {
        [RRSet(type: .dnskey, ttl: ttl, data: [.unknown(type: .dnskey, data: key.dnskey.rdata)]),
         RRSet(type: .cds, ttl: ttl, data: [.unknown(type: .cds, data: ds.rdata)]),
         RRSet(type: .cdnskey, ttl: ttl, data: [.unknown(type: .cdnskey, data: key.dnskey.rdata)])]
    }

    /// The RRSIG record over the RRset `records` (one owner, one type) for a zone version built at
    /// `now`, with its expiration.
    func presigned(_ records: ArraySlice<ResourceRecord>, now: UInt32) -> (record: ResourceRecord, expiration: UInt32) {
        let first = records[records.startIndex]
        // Never nil: a build's signatures are not budgeted.
        let signature = cache.signature(owner: first.name, type: first.type, ttl: first.ttl, data: records.map(\.data),
                                        key: key, signer: origin, now: now)!
        return (ResourceRecord(name: first.name, ttl: first.ttl, data: .unknown(type: .rrsig, data: signature.rdata)), signature.expiration)
    }

    /// The RRSIG record over the RRset `records` (one owner, one type), or nil when the signature
    /// budget of this second is spent.
    func rrsig(over records: ArraySlice<ResourceRecord>) -> ResourceRecord? {
        guard let first = records.first,
              let signature = cache.signature(owner: first.name, type: first.type, ttl: first.ttl, data: records.map(\.data),
                                              key: key, signer: origin) else { return nil }
        return ResourceRecord(name: first.name, ttl: first.ttl, data: .unknown(type: .rrsig, data: signature.rdata))
    }
}
