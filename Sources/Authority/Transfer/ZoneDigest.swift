import DNSWire
import Model

/// A stable fingerprint of what a zone transfers: the wrapping sum of a 64-bit FNV-1a hash of each
/// record (owner in lower case, type, class, TTL, RDATA), so it does not depend on order, can be built
/// from parts (static records once per config, policy records per version), and is the same in every
/// process. It tells a restart whether the zone it restored is the version it last stored.
public struct ZoneDigest: Hashable, Sendable {
    public private(set) var value: UInt64

    public init(value: UInt64 = 0) {
        self.value = value
    }

    public mutating func add(_ record: ResourceRecord) {
        value &+= Self.hash(record)
    }

    public mutating func add(_ records: some Sequence<ResourceRecord>) {
        for record in records { add(record) }
    }

    public static func &+ (lhs: ZoneDigest, rhs: ZoneDigest) -> ZoneDigest { ZoneDigest(value: lhs.value &+ rhs.value) }

    static func hash(_ record: ResourceRecord) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        for byte in record.name.labelBytes { mix(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) }
        mix(0)
        for value in [record.type.rawValue, record.rrClass.rawValue] {
            mix(UInt8(value >> 8))
            mix(UInt8(value & 0xFF))
        }
        for shift in stride(from: 24, through: 0, by: -8) { mix(UInt8(truncatingIfNeeded: record.ttl >> UInt32(shift))) }
        for byte in record.data.wireBytes { mix(byte) }
        return hash
    }
}
