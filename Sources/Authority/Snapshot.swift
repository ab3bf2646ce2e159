import DNSWire
import Model

/// Every zone served, frozen: what a query reads. A new config (or, later, new health) builds a new
/// snapshot and swaps it in whole (`SnapshotReference`); a query never sees a half-applied change.
public final class Snapshot: Sendable {
    /// Zones by origin, and the same with the longest origin first for lookups.
    public let zones: [Name: ZoneData]
    private let zonesLongestFirst: [ZoneData]

    public static let empty = Snapshot(zones: [])

    init(zones: [ZoneData]) {
        self.zones = Dictionary(uniqueKeysWithValues: zones.map { ($0.origin, $0) })
        zonesLongestFirst = zones.sorted { $0.origin.labelCount > $1.origin.labelCount }
    }

    /// Builds the snapshot for `state`, its policies evaluated against `health`. A zone whose records
    /// and policy answers are unchanged keeps its serial; a changed or new zone gets the next serial
    /// after `previous` (see `SerialNumber.next`), with `now` in seconds since 1970, so secondaries
    /// follow every change of what is served, health-driven ones included.
    public static func build(_ state: DesiredState, health: HealthTable = .allUnknown, previous: Snapshot?,
                             now: UInt32) -> Snapshot {
        Snapshot(zones: state.zones.map { zone in
            let policies = ServedPolicy.policies(of: state, in: zone.name, health: health)
            let earlier = previous?.zones[zone.origin]
            if let earlier, earlier.model == zone, earlier.policies == policies { return earlier }
            return ZoneData(zone, policies: policies, serial: SerialNumber.next(after: earlier?.serial, now: now))
        })
    }

    /// The zone `name` belongs to: the one with the longest origin above it, or nil.
    public func zone(for name: Name) -> ZoneData? {
        zonesLongestFirst.first { name.isSubdomain(of: $0.origin) }
    }
}
