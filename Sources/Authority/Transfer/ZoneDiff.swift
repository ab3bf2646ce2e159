import DNSWire
import Model

/// What changed between two versions of a zone, as IXFR sends it: records deleted and records added (a
/// changed TTL is a record deleted and one added). The SOA is not compared here; it frames each delta.
enum ZoneDiff {
    /// The change in static records between two contents of a zone: nothing to look at when the content
    /// is shared; otherwise one merge of the two record lists, which `Zone` keeps in canonical order.
    static func staticRecords(from old: ZoneContent, to new: ZoneContent) -> (deleted: [ResourceRecord], added: [ResourceRecord]) {
        guard old !== new else { return ([], []) }
        var deleted: [ResourceRecord] = []
        var added: [ResourceRecord] = []
        func nameservers(_ zone: Zone) -> [ResourceRecord] { zone.nameservers.map { ResourceRecord(name: zone.origin, ttl: zone.ttl, data: .ns($0)) } }
        compare(nameservers(old.model), nameservers(new.model), deleted: &deleted, added: &added)
        RecordSet.merge(old.model.records, new.model.records) { before, after in
            switch (before, after) {
            case (let before?, let after?):
                if before != after { compare(records(before), records(after), deleted: &deleted, added: &added) }
            case (let before?, nil): deleted += records(before)
            case (nil, let after?): added += records(after)
            case (nil, nil): break
            }
        }
        return (deleted, added)
    }

    /// The change in what policies transfer, owner by owner.
    static func policyRecords(from old: [Name: [ResourceRecord]], to new: [Name: [ResourceRecord]]) -> (deleted: [ResourceRecord], added: [ResourceRecord]) {
        var deleted: [ResourceRecord] = []
        var added: [ResourceRecord] = []
        for owner in Set(old.keys).union(new.keys).sorted() {
            let (was, now) = (old[owner] ?? [], new[owner] ?? [])
            if was != now { compare(was, now, deleted: &deleted, added: &added) }
        }
        return (deleted, added)
    }

    /// The change in a signed zone's DNSSEC records but the SOA's signature (which changes with every
    /// version): the static part compared only when it is not shared, then the policy owners' part.
    static func signedRecords(from old: SignedZone?, to new: ZoneVersioning.Signing?) -> (deleted: [ResourceRecord], added: [ResourceRecord]) {
        var deleted: [ResourceRecord] = []
        var added: [ResourceRecord] = []
        if old?.statics !== new?.statics {
            compare(old?.statics.records ?? [], new?.statics.records ?? [], deleted: &deleted, added: &added)
        }
        let (was, now) = (old?.versionRecords ?? [], new?.versionRecords ?? [])
        if was != now { compare(was, now, deleted: &deleted, added: &added) }
        return (deleted, added)
    }

    private static func records(_ set: RecordSet) -> [ResourceRecord] {
        set.data.map { ResourceRecord(name: set.owner, ttl: set.ttl, data: $0) }
    }

    private static func compare(_ was: [ResourceRecord], _ now: [ResourceRecord], deleted: inout [ResourceRecord],
                                added: inout [ResourceRecord]) {
        let kept = Set(now)
        let before = Set(was)
        deleted += was.filter { !kept.contains($0) }
        added += now.filter { !before.contains($0) }
    }
}
