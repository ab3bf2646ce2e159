import DNSWire
import Dispatch
import Foundation
import Model

/// What a signed zone's version sends its secondaries besides its data: the key RRsets, an NSEC chain
/// through every name that holds data (RFC 4034 §4; secondaries cannot make compact denials), and an
/// RRSIG over every authoritative RRset (not a referral's NS, not glue). Answers from our own servers
/// do not use it: they sign as they are asked and deny compactly.
///
/// Split so that a health flip costs the zone's policies, not its size: `Static` (per config and key:
/// the static RRsets' signatures, the chain's names and the NSEC of every name that holds static data
/// only) is shared by the versions of one config; each version adds the NSEC and signatures at the
/// policies' owners and the SOA's signature.
final class SignedZone: Sendable {
    final class Static: Sendable {
        let content: ZoneContent
        let dnskey: DNSKEY
        let records: [ResourceRecord]
        /// Octets `records` take in a transfer, uncompressed.
        let transferBytes: Int
        /// The next name in the chain and the static types, for each policy owner.
        let policyOwners: [Name: (next: Name, types: [RRType])]
        /// The earliest expiration among the signatures: the part is made again before it.
        let expiration: UInt32

        init(content: ZoneContent, dnskey: DNSKEY, records: [ResourceRecord], policyOwners: [Name: (next: Name, types: [RRType])],
             expiration: UInt32) {
            self.content = content
            self.dnskey = dnskey
            self.records = records
            transferBytes = records.reduce(0) { $0 + $1.uncompressedWireLength }
            self.policyOwners = policyOwners
            self.expiration = expiration
        }
    }

    let statics: Static
    /// The NSEC at each policy owner, and the RRSIGs over it and over the policy's records.
    let versionRecords: [ResourceRecord]
    /// The RRSIG over this version's SOA.
    let soaSignature: ResourceRecord

    init(statics: Static, versionRecords: [ResourceRecord], soaSignature: ResourceRecord) {
        self.statics = statics
        self.versionRecords = versionRecords
        self.soaSignature = soaSignature
    }

    /// Every DNSSEC record of the version, the SOA's signature first.
    var records: [ResourceRecord] { [soaSignature] + statics.records + versionRecords }

    /// Octets the records take in a transfer, uncompressed.
    var transferBytes: Int {
        statics.transferBytes + ([soaSignature] + versionRecords).reduce(0) { $0 + $1.uncompressedWireLength }
    }

    /// The static part for `content`: `earlier`'s when it is for the same content and key and its
    /// signatures have more than `refreshBefore` left; else made (unchanged RRsets' signatures come
    /// from the cache).
    static func statics(for content: ZoneContent, signer: ZoneSigner, earlier: Static?, now: UInt32) -> Static {
        if let earlier, earlier.content === content, earlier.dnskey == signer.key.dnskey,
           Int64(earlier.expiration) - Int64(now) > Int64(signer.cache.limits.refreshBefore) {
            return earlier
        }
        let zone = content.model
        let nsecTTL = min(zone.ttl, zone.soa.negativeTTL)
        // What to sign is gathered first, then signed on every core: a large zone's first signing (two
        // signatures a record) is most of a config's build.
        var records: [ResourceRecord] = []
        var unsigned: [ArraySlice<ResourceRecord>] = []
        // Names under a zone cut are the child's (glue): neither signed nor in the chain.
        let cuts = Set(content.nodes.filter { $0.value.isDelegation }.map(\.key))
        func isOccluded(_ name: Name) -> Bool {
            guard !cuts.isEmpty else { return false }
            var ancestor = name.parent
            while let current = ancestor, current != zone.origin, current.isSubdomain(of: zone.origin) {
                if cuts.contains(current) { return true }
                ancestor = current.parent
            }
            return false
        }
        let keySets = signer.keyRRsets(ttl: zone.ttl)
        for rrset in keySets {
            let set = rrset.records(owner: zone.origin)
            records += set
            unsigned.append(set[...])
        }
        var chain: [(key: [UInt8], name: Name, types: [RRType])] = []
        for (name, node) in content.nodes where !isOccluded(name) {
            let isPolicyOwner = content.policyOwners.contains(name)
            guard !node.rrsets.isEmpty || isPolicyOwner || name == zone.origin else { continue }  // an empty non-terminal
            var types = node.rrsets.map(\.type)
            if name == zone.origin { types += [.soa] + keySets.map(\.type) }
            chain.append((name.canonicalSortKey, name, types))
            for rrset in node.rrsets where !(node.isDelegation && rrset.type == .ns) {
                unsigned.append(rrset.records(owner: name)[...])
            }
        }
        chain.sort { $0.key.lexicographicallyPrecedes($1.key) }
        var policyOwners: [Name: (next: Name, types: [RRType])] = [:]
        for (index, link) in chain.enumerated() {
            let next = index + 1 < chain.count ? chain[index + 1].name : zone.origin
            if content.policyOwners.contains(link.name) {
                policyOwners[link.name] = (next, link.types)
                continue
            }
            let nsec = ResourceRecord(name: link.name, ttl: nsecTTL,
                                      data: .unknown(type: .nsec, data: NSEC(next: next, types: link.types + [.rrsig, .nsec]).rdata))
            records.append(nsec)
            unsigned.append([nsec])
        }
        let signed = sign(unsigned, with: signer, now: now)
        records += signed.map(\.record)
        let expiration = signed.map(\.expiration).min() ?? UInt32.max
        return Static(content: content, dnskey: signer.key.dnskey, records: records, policyOwners: policyOwners, expiration: expiration)
    }

    /// The signature over each RRset of `rrsets`, in order, made on every core for a large zone (the
    /// cache is shared and locked briefly; the signing itself runs outside the lock).
    private static func sign(_ rrsets: [ArraySlice<ResourceRecord>], with signer: ZoneSigner,
                             now: UInt32) -> [(record: ResourceRecord, expiration: UInt32)] {
        let workers = rrsets.count < 1_000 ? 1 : ProcessInfo.processInfo.activeProcessorCount
        guard workers > 1 else { return rrsets.map { signer.presigned($0, now: now) } }
        let results = UnsafeMutableBufferPointer<(record: ResourceRecord, expiration: UInt32)?>.allocate(capacity: rrsets.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let chunk = (rrsets.count + workers - 1) / workers
        nonisolated(unsafe) let shared = results  // each index written by one worker only
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in worker * chunk..<min(rrsets.count, (worker + 1) * chunk) {
                shared[index] = signer.presigned(rrsets[index], now: now)
            }
        }
        return results.map { $0! }
    }

    /// The records of one version at the policy owners: each owner's NSEC (its static types and the
    /// types the policy transfers) and the signatures over it and over each RRset the policy transfers.
    static func versionRecords(_ statics: Static, policyRecords: [Name: [ResourceRecord]], signer: ZoneSigner, nsecTTL: UInt32,
                               now: UInt32) -> [ResourceRecord] {
        var records: [ResourceRecord] = []
        for (owner, link) in statics.policyOwners.sorted(by: { $0.key.canonicalSortKey.lexicographicallyPrecedes($1.key.canonicalSortKey) }) {
            let transferred = (policyRecords[owner] ?? []).sorted { $0.type < $1.type }
            var start = transferred.startIndex
            while start < transferred.endIndex {
                let end = transferred[start...].firstIndex { $0.type != transferred[start].type } ?? transferred.endIndex
                records.append(signer.presigned(transferred[start..<end], now: now).record)
                start = end
            }
            let types = link.types + transferred.map(\.type) + [.rrsig, .nsec]
            let nsec = ResourceRecord(name: owner, ttl: nsecTTL, data: .unknown(type: .nsec, data: NSEC(next: link.next, types: types).rdata))
            records += [nsec, signer.presigned([nsec], now: now).record]
        }
        return records
    }
}
