import Crypto
import DNSWire
import Model

/// Diffs a desired config against the live one: by identity, field by field, in a fixed order (zones
/// with their record sets, monitors, failover, weighted and geo policies, notifiers, targets, catalogs; by name
/// within a kind, record sets in canonical order), so the same two configs always give the same plan.
public enum Planner {
    /// A zone of at least this many records (or traffic policies) is guarded by `maximumChangedShare`,
    /// as octoDNS guards providers of 10 records or more: in a smaller zone every edit is a large share.
    public static let guardedZoneSize = 10
    /// The largest share of a guarded zone's records, or of its traffic policies, that a plan may delete
    /// or change without `--force`.
    public static let maximumChangedShare = 0.3

    /// `liveSerials` are the serials served now, by zone name (catalog zones by their origin), for the
    /// plan's serial lines.
    public static func plan(from live: DesiredState?, to desired: DesiredState, baseGeneration: Int,
                            baseRevision: String? = nil, serving: [Plan.Serving] = [], liveSerials: [String: UInt32] = [:]) -> Plan {
        let live = live ?? DesiredState()
        var changes: [Plan.Change] = []
        var refusals: [Plan.Refusal] = []

        let liveZones = Dictionary(live.zones.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let desiredZoneNames = Set(desired.zones.map(\.name))
        for zone in desired.zones {
            let old = liveZones[zone.name]
            diff(old.map(Resources.zone), Resources.zone(zone), into: &changes)
            if old == zone { continue }
            let records = diffRecords(old, zone)
            changes += records.changes
            if let old { refusals += safety(old: old, new: zone, touched: records.touched) }
        }
        for zone in live.zones where !desiredZoneNames.contains(zone.name) {
            diff(Resources.zone(zone), nil, into: &changes)
            changes += diffRecords(zone, nil).changes
            refusals.append(.zoneDeleted(zone: zone.name, records: recordCount(zone)))
        }
        refusals += policySafety(live: live, desired: desired, keptZones: desiredZoneNames)
        diffKind(live.monitors, desired.monitors, name: \.name, resource: Resources.monitor, into: &changes)
        diffKind(live.failoverPolicies, desired.failoverPolicies, name: \.name, resource: Resources.failover, into: &changes)
        diffKind(live.weightedPolicies, desired.weightedPolicies, name: \.name, resource: Resources.weighted, into: &changes)
        diffKind(live.geoPolicies, desired.geoPolicies, name: \.name, resource: Resources.geo, into: &changes)
        diffKind(live.notifiers, desired.notifiers, name: \.name, resource: Resources.notifier, into: &changes)
        diffKind(live.targets, desired.targets, name: \.name, resource: Resources.target, into: &changes)
        diffKind(live.fleet.map { [$0] } ?? [], desired.fleet.map { [$0] } ?? [], name: \.name, resource: Resources.fleet, into: &changes)
        // Catalogs are compared as resources: their members follow the zones when they list all.
        let catalogsBefore = changes.count
        let oldCatalogs = Dictionary(live.catalogs.map { ($0.name, Resources.catalog($0, zones: live.zones)) }, uniquingKeysWith: { first, _ in first })
        for catalog in desired.catalogs { diff(oldCatalogs[catalog.name], Resources.catalog(catalog, zones: desired.zones), into: &changes) }
        for catalog in live.catalogs where !desired.catalogs.contains(where: { $0.name == catalog.name }) {
            diff(oldCatalogs[catalog.name], nil, into: &changes)
        }

        var plan = Plan(baseGeneration: baseGeneration, baseRevision: baseRevision, changes: changes, serving: serving,
                        refusals: refusals, checksum: checksum(changes))
        plan.serials = serialChanges(live: live, desired: desired, changes: changes, catalogChanges: changes[catalogsBefore...],
                                     liveSerials: liveSerials)
        return plan
    }

    // MARK: Diff

    private static func diffKind<Value: Equatable>(_ live: [Value], _ desired: [Value], name: (Value) -> String,
                                                   resource: (Value) -> Resource, into changes: inout [Plan.Change]) {
        let old = Dictionary(live.map { (name($0), $0) }, uniquingKeysWith: { first, _ in first })
        for value in desired {
            let earlier = old[name(value)]
            if earlier == value { continue }
            diff(earlier.map(resource), resource(value), into: &changes)
        }
        let kept = Set(desired.map(name))
        for value in live where !kept.contains(name(value)) {
            diff(resource(value), nil, into: &changes)
        }
    }

    /// The change from `old` to `new` (nil: absent), if any.
    private static func diff(_ old: Resource?, _ new: Resource?, into changes: inout [Plan.Change]) {
        switch (old, new) {
        case (nil, let new?):
            changes.append(Plan.Change(action: .create, resource: new.identity,
                                       fields: new.fields.filter { !$0.value.isEmpty }.map { .init(name: $0.name, old: nil, new: $0.value) }))
        case (let old?, nil):
            changes.append(Plan.Change(action: .delete, resource: old.identity,
                                       fields: old.fields.filter { !$0.value.isEmpty }.map { .init(name: $0.name, old: $0.value, new: nil) }))
        case (let old?, let new?):
            let before = Dictionary(old.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            let after = Set(new.fields.map(\.name))
            var fields: [Plan.FieldChange] = []
            for field in new.fields where before[field.name] != field.value {
                fields.append(.init(name: field.name, old: before[field.name].flatMap { $0.isEmpty ? nil : $0 },
                                    new: field.value.isEmpty ? nil : field.value))
            }
            for field in old.fields where !after.contains(field.name) && !field.value.isEmpty {
                fields.append(.init(name: field.name, old: field.value, new: nil))
            }
            if !fields.isEmpty { changes.append(Plan.Change(action: .update, resource: new.identity, fields: fields)) }
        case (nil, nil):
            break
        }
    }

    /// Record set changes of one zone, in the zone's canonical order (deletes after the rest): one merge
    /// of the two record lists, which `Zone` keeps sorted by owner (RFC 4034 §6.1) and type.
    /// `touched`: the old record sets updated or deleted, with their record counts, for the safety rule.
    private static func diffRecords(_ old: Zone?, _ new: Zone?) -> (changes: [Plan.Change], touched: [(set: String, records: Int)]) {
        var changes: [Plan.Change] = []
        var deletes: [Plan.Change] = []
        var touched: [(String, Int)] = []
        RecordSet.merge(old?.records ?? [], new?.records ?? []) { before, after in
            if let before, before != after {
                touched.append(("\(before.owner.relativeDescription(to: old!.origin)) \(before.type)", before.data.count))
            }
            switch (before, after) {
            case (let before?, let after?):
                if before != after { diff(Resources.recordSet(before, in: old!), Resources.recordSet(after, in: new!), into: &changes) }
            case (let before?, nil): diff(Resources.recordSet(before, in: old!), nil, into: &deletes)
            case (nil, let after?): diff(nil, Resources.recordSet(after, in: new!), into: &changes)
            case (nil, nil): break
            }
        }
        return (changes + deletes, touched)
    }

    // MARK: Serials

    /// The zones whose content the plan changes: a record set or the zone itself, a policy answering in
    /// it (before or after), or (for a catalog zone) its members or secondaries.
    private static func serialChanges(live: DesiredState, desired: DesiredState, changes: [Plan.Change],
                                      catalogChanges: ArraySlice<Plan.Change>, liveSerials: [String: UInt32]) -> [Plan.SerialChange] {
        var touched: Set<String> = []
        for change in changes where change.resource.hasPrefix("Zone/") {
            touched.insert(String(change.resource.dropFirst(5).prefix { $0 != " " }))
        }
        let oldTargets = Dictionary(live.policyTargets.map { ($0.id.description, $0.target.zone) }, uniquingKeysWith: { first, _ in first })
        let newTargets = Dictionary(desired.policyTargets.map { ($0.id.description, $0.target.zone) }, uniquingKeysWith: { first, _ in first })
        for change in changes {
            if let zone = oldTargets[change.resource] { touched.insert(zone) }
            if let zone = newTargets[change.resource] { touched.insert(zone) }
        }
        let catalogs = Dictionary((live.catalogs + desired.catalogs).map { ("Catalog/\($0.name)", $0.origin.description) },
                                  uniquingKeysWith: { _, last in last })
        for change in catalogChanges { if let zone = catalogs[change.resource] { touched.insert(zone) } }
        let remaining = Set(desired.zones.map(\.name) + desired.catalogs.map(\.origin.description))
        return touched.sorted().map { zone in
            Plan.SerialChange(zone: zone, live: liveSerials[zone], isDeleted: !remaining.contains(zone))
        }
    }

    // MARK: Safety

    private static func recordCount(_ zone: Zone) -> Int { zone.records.reduce(0) { $0 + $1.data.count } }

    /// The rules a change of `old` into `new` breaks: the apex NS set changes, a signed zone's key
    /// changes or signing stops, or more than `maximumChangedShare` of a guarded zone's records are
    /// deleted or updated.
    private static func safety(old: Zone, new: Zone, touched: [(set: String, records: Int)]) -> [Plan.Refusal] {
        var refusals: [Plan.Refusal] = []
        if old.nameservers != new.nameservers {
            refusals.append(.apexNameserversChanged(zone: old.name, from: old.nameservers.map(\.description),
                                                    to: new.nameservers.map(\.description)))
        }
        if let signing = old.dnssec, new.dnssec != signing {
            refusals.append(.signingKeyChanged(zone: old.name, from: signing.description, to: new.dnssec?.description))
        }
        let total = recordCount(old)
        let records = touched.reduce(0) { $0 + $1.records }
        if total >= guardedZoneSize, Double(records) > Double(total) * maximumChangedShare {
            refusals.append(.recordsChanged(zone: old.name, changed: records, total: total, sets: touched.map(\.set)))
        }
        return refusals
    }

    /// The rules on traffic policies, for each zone that stays: every live policy of the zone deleted,
    /// or more than `maximumChangedShare` of a guarded zone's policies deleted or changed. A policy moved
    /// to another zone counts as deleted from its old one.
    private static func policySafety(live: DesiredState, desired: DesiredState, keptZones: Set<String>) -> [Plan.Refusal] {
        let wanted = Dictionary(desired.policyResources.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var byZone: [String: (total: Int, deleted: [PolicyID], changed: [PolicyID])] = [:]
        for policy in live.policyResources where keptZones.contains(policy.zone) {
            var counts = byZone[policy.zone] ?? (0, [], [])
            counts.total += 1
            switch wanted[policy.id] {
            case nil: counts.deleted.append(policy.id)
            case let new? where new.zone != policy.zone: counts.deleted.append(policy.id)
            case let new? where new.value != policy.value: counts.changed.append(policy.id)
            default: break
            }
            byZone[policy.zone] = counts
        }
        var refusals: [Plan.Refusal] = []
        for (zone, counts) in byZone.sorted(by: { $0.key < $1.key }) {
            let touched = (counts.deleted + counts.changed).sorted().map(\.description)
            if counts.deleted.count == counts.total {
                refusals.append(.allPoliciesDeleted(zone: zone, policies: touched))
            } else if counts.total >= guardedZoneSize, Double(touched.count) > Double(counts.total) * maximumChangedShare {
                refusals.append(.policiesChanged(zone: zone, changed: touched.count, total: counts.total, policies: touched))
            }
        }
        return refusals
    }

    // MARK: Checksum

    static func checksum(_ changes: [Plan.Change]) -> String {
        var hasher = SHA256()
        for change in changes {
            hasher.update(data: Array("\(change.action.rawValue) \(change.resource)\n".utf8))
            for field in change.fields {
                hasher.update(data: Array("\t\(field.name)\t\(field.old ?? "\u{0}")\t\(field.new ?? "\u{0}")\n".utf8))
            }
        }
        return hasher.finalize().prefix(6).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

extension DesiredState {
    /// Every traffic policy as the safety rules compare them: identity, zone, and the whole value.
    fileprivate var policyResources: [(id: PolicyID, zone: String, value: AnyHashable)] {
        failoverPolicies.map { ($0.id, $0.target.zone, AnyHashable($0)) }
            + weightedPolicies.map { ($0.id, $0.target.zone, AnyHashable($0)) }
            + geoPolicies.map { ($0.id, $0.target.zone, AnyHashable($0)) }
    }
}
