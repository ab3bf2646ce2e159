import DNSWire

/// A DNS server Switchyard does not run, primary for a zone Switchyard does not serve: the failover and
/// weighted policies of that zone are pushed to it as RFC 2136 dynamic updates.
public struct Target: Hashable, Sendable {
    /// The manifest name.
    public var name: String
    /// The zone at the server.
    public var zone: Name
    /// Where UPDATE messages and read-back queries go (over TCP).
    public var host: Secondary.Host
    public var port: UInt16
    /// Signs every UPDATE; nil sends them unsigned, for a server that allows updates by address.
    public var tsigKey: TSIGKey?

    public init(name: String, zone: Name, host: Secondary.Host, port: UInt16 = 53, tsigKey: TSIGKey? = nil) {
        self.name = name
        self.zone = zone
        self.host = host
        self.port = port
        self.tsigKey = tsigKey
    }

    /// How a policy's `zone:` names this target's zone: the name without its final dot (`corp.example`).
    public var zoneReference: String {
        let text = zone.description
        return text.hasSuffix(".") && text != "." ? String(text.dropLast()) : text
    }

    /// `192.0.2.53:53`, `[2001:db8::53]:5300`, `ns1.corp.example:53`.
    public var server: String { "\(host):\(port)" }
}

/// One RRset a target should hold: what a policy serves now, as the records to push.
public struct TargetRecordSet: Hashable, Sendable {
    /// The target's manifest name.
    public var target: String
    public var policy: PolicyID
    public var owner: Name
    public var type: RRType
    public var ttl: UInt32
    /// Empty when the policy serves nothing (NODATA): the RRset is deleted at the target.
    public var data: [RData]

    public init(target: String, policy: PolicyID, owner: Name, type: RRType, ttl: UInt32, data: [RData]) {
        self.target = target
        self.policy = policy
        self.owner = owner
        self.type = type
        self.ttl = ttl
        self.data = data
    }

    /// The RRset's place at the target: what a push replaces and a read-back asks for.
    public var key: Key { Key(target: target, owner: owner, type: type) }

    public struct Key: Hashable, Sendable, Comparable, CustomStringConvertible {
        public var target: String
        public var owner: Name
        public var type: RRType

        public init(target: String, owner: Name, type: RRType) {
            self.target = target
            self.owner = owner
            self.type = type
        }

        public var description: String { "Target/\(target) \(owner) \(type)" }

        public static func < (left: Key, right: Key) -> Bool {
            (left.target, left.owner.description, left.type.rawValue) < (right.target, right.owner.description, right.type.rawValue)
        }
    }

    /// The records' data in presentation form, sorted: how plans, events and logs show an RRset.
    public static func describe(_ data: [RData]) -> String {
        data.isEmpty ? "nothing" : data.map(\.description).sorted().joined(separator: ", ")
    }
}
