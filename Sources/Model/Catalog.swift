import DNSWire

/// A catalog zone (RFC 9432, version 2): a zone served like any other whose records list member zones,
/// so secondaries that consume it add and remove those zones by themselves.
public struct Catalog: Hashable, Sendable {
    /// Which served zones the catalog lists.
    public enum Members: Hashable, Sendable {
        /// Every zone served.
        case all
        /// These zones, by manifest name.
        case zones([String])
    }

    /// The manifest name.
    public var name: String
    /// The catalog zone's own name, such as `catalog.switchyard.invalid.`.
    public var origin: Name
    /// They may transfer the catalog and every member zone, and get NOTIFY for both.
    public var secondaries: [Secondary]
    public var members: Members

    public init(name: String, origin: Name, secondaries: [Secondary], members: Members = .all) {
        self.name = name
        self.origin = origin
        self.secondaries = secondaries
        self.members = members
    }

    /// The member zones among `zones`, in their order.
    public func memberZones(of zones: [Zone]) -> [Zone] {
        switch members {
        case .all: zones
        case .zones(let names): zones.filter { names.contains($0.name) }
        }
    }
}
