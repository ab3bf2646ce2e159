import DNSWire
import Model

/// Every zone served, frozen: what a query reads. A new config (or, later, new health) builds a new
/// snapshot and swaps it in whole (`SnapshotReference`); a query never sees a half-applied change.
public final class Snapshot: Sendable {
    /// Zones by origin, and the same with the longest origin first for lookups.
    public let zones: [Name: ZoneData]
    private let zonesLongestFirst: [ZoneData]
    /// Each failover policy's tier and failback token, by policy name, carried to the next snapshot.
    public let failoverMemory: [String: FailoverMemory]
    /// The GeoIP database geo policies match continents and countries with, if one was given.
    public let geoip: GeoIPDatabase?

    public static let empty = Snapshot(zones: [], failoverMemory: [:], geoip: nil)

    init(zones: [ZoneData], failoverMemory: [String: FailoverMemory], geoip: GeoIPDatabase?) {
        self.zones = Dictionary(uniqueKeysWithValues: zones.map { ($0.origin, $0) })
        zonesLongestFirst = zones.sorted { $0.origin.labelCount > $1.origin.labelCount }
        self.failoverMemory = failoverMemory
        self.geoip = geoip
    }

    /// Builds the snapshot for `state`, its policies evaluated against `health`. A zone whose records
    /// and policy answers are unchanged keeps its serial; a changed or new zone gets the next serial
    /// after `previous` (see `SerialNumber.next`), with `now` in seconds since 1970, so secondaries
    /// follow every change of what is served, health-driven ones included.
    public static func build(_ state: DesiredState, health: HealthTable = .allUnknown, geoip: GeoIPDatabase? = nil,
                             previous: Snapshot?, now: UInt32) -> Snapshot {
        let counters = previous?.servedPolicies().mapValues(\.counter) ?? [:]
        let (byZone, remembered) = ServedPolicy.evaluate(state, health: health, previous: previous?.failoverMemory ?? [:],
                                                         counters: counters)
        var zones: [ZoneData] = []
        for zone in state.zones {
            let policies = byZone[zone.name] ?? [:]
            let earlier = previous?.zones[zone.origin]
            if let earlier, earlier.model == zone, earlier.policies == policies {
                zones.append(earlier)
            } else {
                zones.append(ZoneData(zone, policies: policies, serial: SerialNumber.next(after: earlier?.serial, now: now)))
            }
        }
        return Snapshot(zones: zones, failoverMemory: remembered, geoip: geoip)
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
