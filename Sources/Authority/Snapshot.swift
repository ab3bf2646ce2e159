import DNSWire
import Model

/// Every zone served, frozen: what a query reads. A new config or new health builds a new snapshot and
/// swaps it in whole (`SnapshotReference`); a query never sees a half-applied change.
public final class Snapshot: Sendable {
    /// Zones by origin, and the same with the longest origin first for lookups.
    public let zones: [Name: ZoneData]
    private let zonesLongestFirst: [ZoneData]
    /// Each failover policy's tier and failback token, by policy name, carried to the next snapshot.
    public let failoverMemory: [String: FailoverMemory]
    /// The GeoIP database geo policies match continents and countries with, if one was given.
    public let geoip: GeoIPDatabase?
    /// What each target (a server we do not run) should hold for the policies of its zone, evaluated
    /// with the same health as the zones served here.
    public let targetRecordSets: [TargetRecordSet]
    /// Some zone is signed: DO queries need their signatures added.
    public let hasSignedZones: Bool

    public static let empty = Snapshot(zones: [], failoverMemory: [:], geoip: nil)

    init(zones: [ZoneData], failoverMemory: [String: FailoverMemory], geoip: GeoIPDatabase?, targetRecordSets: [TargetRecordSet] = []) {
        self.zones = Dictionary(uniqueKeysWithValues: zones.map { ($0.origin, $0) })
        zonesLongestFirst = zones.sorted { $0.origin.labelCount > $1.origin.labelCount }
        self.failoverMemory = failoverMemory
        self.geoip = geoip
        self.targetRecordSets = targetRecordSets
        hasSignedZones = zones.contains { $0.signer != nil }
    }

    /// What a build needs besides the config and health: how secondaries' host names resolved, how much
    /// history each zone keeps, and, at start, the last version of each zone the store holds.
    public struct BuildOptions: Sendable {
        public var hostAddresses: [String: [IPAddress]]
        public var journal: JournalLimits
        public var restored: [Name: StoredZoneVersion]
        /// The key of each signed zone, by origin, and the cache their signatures are kept in. A zone
        /// whose manifest asks for signing but has no key here is served unsigned: the controller loads
        /// every key before it applies a config.
        public var signingKeys: [Name: ZoneSigningKey]
        public var signatures: SignatureCache?

        public init(hostAddresses: [String: [IPAddress]] = [:], journal: JournalLimits = JournalLimits(),
                    restored: [Name: StoredZoneVersion] = [:], signingKeys: [Name: ZoneSigningKey] = [:],
                    signatures: SignatureCache? = nil) {
            self.hostAddresses = hostAddresses
            self.journal = journal
            self.restored = restored
            self.signingKeys = signingKeys
            self.signatures = signatures
        }
    }

    /// Builds the snapshot for `state`, its policies evaluated against `health`, its catalogs served as
    /// zones. Each zone's serial moves only when what it transfers changes (static records, what its
    /// policies send secondaries, its SOA settings): then it is `SerialNumber.next` after the previous
    /// serial (or after the stored one, at start) with `now` in seconds since 1970, and the change is
    /// appended to the zone's journal for IXFR. At start, a zone that transfers exactly what the store
    /// last recorded keeps that serial and journal.
    public static func build(_ state: DesiredState, health: HealthTable = .allUnknown, geoip: GeoIPDatabase? = nil,
                             previous: Snapshot?, now: UInt32, options: BuildOptions = BuildOptions()) -> Snapshot {
        let counters = previous?.servedPolicies().mapValues(\.counter) ?? [:]
        let (byZone, remembered) = ServedPolicy.evaluate(state, health: health, previous: previous?.failoverMemory ?? [:],
                                                         counters: counters)
        var zones = state.zones
        var catalogSecondaries: [String: [Secondary]] = [:]
        for catalog in state.catalogs {
            let members = catalog.memberZones(of: state.zones)
            zones.append(CatalogZone.model(catalog, members: members))
            for member in members { catalogSecondaries[member.name, default: []] += catalog.secondaries }
        }
        let contents = zones.map { zone -> ZoneContent in
            let owners = Set((byZone[zone.name] ?? [:]).keys)
            if let earlier = previous?.zones[zone.origin]?.content, earlier.model == zone, earlier.policyOwners == owners {
                return earlier
            }
            return ZoneContent(zone, policyOwners: owners)
        }
        let transfer = PolicyTransfer(contents: contents, policies: byZone)
        var built: [ZoneData] = []
        for content in contents {
            let zone = content.model
            let policies = byZone[zone.name] ?? [:]
            let policyRecords = transfer.records(for: policies)
            let secondaries = resolve(zone.secondaries + (catalogSecondaries[zone.name] ?? []), hostAddresses: options.hostAddresses)
            let earlier = previous?.zones[zone.origin]
            var signer: ZoneSigner? = nil
            if zone.dnssec != nil, let key = options.signingKeys[zone.origin], let cache = options.signatures {
                signer = ZoneSigner(key: key, origin: zone.origin, cache: cache)
            }
            // What secondaries are sent signed is made only for a zone that has secondaries: our own
            // answers are signed as they are asked.
            var signing: ZoneVersioning.Signing? = nil
            if let signer, !secondaries.isEmpty {
                let statics = SignedZone.statics(for: content, signer: signer, earlier: earlier?.signed?.statics, now: now)
                let records = SignedZone.versionRecords(statics, policyRecords: policyRecords, signer: signer,
                                                        nsecTTL: min(zone.ttl, zone.soa.negativeTTL), now: now)
                signing = (signer, statics, records)
            }
            let version = ZoneVersioning.next(after: earlier, content: content, policyRecords: policyRecords, signing: signing,
                                              restored: options.restored[zone.origin], now: now, limits: options.journal)
            if let earlier, earlier.content === content, earlier.serial == version.serial, earlier.policies == policies,
               earlier.secondaries == secondaries, earlier.signed === version.signed, earlier.signer?.key.dnskey == signer?.key.dnskey {
                built.append(earlier)
            } else {
                built.append(ZoneData(content: content, policies: policies, policyRecords: policyRecords, serial: version.serial,
                                      journal: version.journal, digest: version.digest, secondaries: secondaries,
                                      signer: signer, signed: version.signed))
            }
        }
        return Snapshot(zones: built, failoverMemory: remembered, geoip: geoip,
                        targetRecordSets: targetRecordSets(state, policies: byZone))
    }

    /// Each secondary at each address it has: its own, or its host name's as resolved (none yet: left out).
    private static func resolve(_ secondaries: [Secondary], hostAddresses: [String: [IPAddress]]) -> [ResolvedSecondary] {
        var seen: Set<ResolvedSecondary> = []
        return secondaries.flatMap { secondary -> [ResolvedSecondary] in
            let addresses = switch secondary.host {
            case .address(let address): [address]
            case .name(let name): hostAddresses[name] ?? []
            }
            return addresses.map { ResolvedSecondary(address: $0, port: secondary.port, key: secondary.tsigKey) }
        }.filter { seen.insert($0).inserted }
    }

    /// Queries answered by each policy since it first appeared.
    public func policyQueryCounts() -> [PolicyID: Int] {
        servedPolicies().mapValues(\.counter.value)
    }

    /// The zone `name` belongs to: the one with the longest origin above it, or nil.
    public func zone(for name: Name) -> ZoneData? {
        zonesLongestFirst.first { name.isSubdomain(of: $0.origin) }
    }
}

/// A zone's last version as the store recorded it: what a restart continues from.
public struct StoredZoneVersion: Hashable, Sendable {
    public var serial: UInt32
    public var digest: ZoneDigest
    public var journal: ZoneJournal

    public init(serial: UInt32, digest: ZoneDigest, journal: ZoneJournal) {
        self.serial = serial
        self.digest = digest
        self.journal = journal
    }
}

/// When a zone's serial moves, and what its journal records.
enum ZoneVersioning {
    /// A signed zone's signer, and the DNSSEC records of the version being built but the SOA's signature.
    typealias Signing = (signer: ZoneSigner, statics: SignedZone.Static, versionRecords: [ResourceRecord])

    /// The serial, journal and digest of the version of a zone with `content` and `policyRecords`,
    /// coming after `earlier` (the previous snapshot's), or after `restored` (the store's, at start);
    /// signed, its DNSSEC records too: a change of signatures alone (a re-sign before they expire) is a
    /// new version, and each version's SOA is signed.
    static func next(after earlier: ZoneData?, content: ZoneContent, policyRecords: [Name: [ResourceRecord]], signing: Signing? = nil,
                     restored: StoredZoneVersion?, now: UInt32, limits: JournalLimits)
        -> (serial: UInt32, journal: ZoneJournal, digest: ZoneDigest, signed: SignedZone?) {
        var digest = content.digest
        for records in policyRecords.values { digest.add(records) }
        digest.add(ZoneData.soaRecord(of: content.model, serial: 0))
        func signed(at serial: UInt32) -> SignedZone? {
            signing.map { signing in
                let soa = ZoneData.soaRecord(of: content.model, serial: serial)
                // Negative answers carry the SOA at the negative TTL: signed now, so denials cost one signature.
                var negative = soa
                negative.ttl = min(soa.ttl, content.model.soa.negativeTTL)
                _ = signing.signer.presigned([negative], now: now)
                return SignedZone(statics: signing.statics, versionRecords: signing.versionRecords,
                                  soaSignature: signing.signer.presigned([soa], now: now).record)
            }
        }
        if let earlier {
            let statics = ZoneDiff.staticRecords(from: earlier.content, to: content)
            let policies = ZoneDiff.policyRecords(from: earlier.policyRecords, to: policyRecords)
            let dnssec = ZoneDiff.signedRecords(from: earlier.signed, to: signing)
            let soaChanged = earlier.model.soa != content.model.soa || earlier.model.ttl != content.model.ttl
            guard soaChanged || !statics.deleted.isEmpty || !statics.added.isEmpty || !policies.deleted.isEmpty || !policies.added.isEmpty
                    || !dnssec.deleted.isEmpty || !dnssec.added.isEmpty else {
                return (earlier.serial, earlier.journal, digest, earlier.signed)
            }
            let serial = SerialNumber.next(after: earlier.serial, now: now)
            let signedVersion = signed(at: serial)
            let delta = ZoneDelta(from: earlier.serial, to: serial,
                                  deleted: statics.deleted + policies.deleted + dnssec.deleted + (earlier.signed.map { [$0.soaSignature] } ?? []),
                                  added: statics.added + policies.added + dnssec.added + (signedVersion.map { [$0.soaSignature] } ?? []))
            return (serial, earlier.journal.appending(delta, limits: limits), digest, signedVersion)
        }
        if let restored {
            // The same content as stored: the same version. Otherwise its history cannot be chained on.
            // A signed zone's signatures are not stored (ECDSA's differ each time they are made): its
            // secondaries must be sent the version again, in full.
            if restored.digest == digest, signing == nil { return (restored.serial, restored.journal, digest, nil) }
            let serial = SerialNumber.next(after: restored.serial, now: now)
            return (serial, ZoneJournal(), digest, signed(at: serial))
        }
        let serial = SerialNumber.next(after: nil, now: now)
        return (serial, ZoneJournal(), digest, signed(at: serial))
    }
}
