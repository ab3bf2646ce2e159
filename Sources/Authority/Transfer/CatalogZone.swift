import DNSWire
import Model

/// A catalog (RFC 9432, version 2) as the zone it is served as: SOA, NS `invalid.`, `version` TXT "2",
/// and one PTR per member under `zones`, each at a label that is a stable hash of the member's name, so
/// a member keeps its label however the list changes (§4.1, §4.2).
enum CatalogZone {
    static let invalid = try! Name("invalid.")

    static func model(_ catalog: Catalog, members: [Zone]) -> Zone {
        let origin = catalog.origin
        var records = [RecordSet(owner: try! Name("version", origin: origin), type: .txt, ttl: 0, data: [.txt(try! RData.TXT(strings: [Array("2".utf8)]))])]
        for member in members {
            guard let owner = try? Name(memberLabel(member.origin) + ".zones", origin: origin) else { continue }
            records.append(RecordSet(owner: owner, type: .ptr, ttl: 0, data: [.ptr(member.origin)]))
        }
        return Zone(name: origin.description, origin: origin, ttl: 0,
                    soa: SOASettings(primary: invalid, contact: invalid, refresh: 3600, retry: 600, expire: 2_419_200, negativeTTL: 0),
                    nameservers: [invalid], secondaries: catalog.secondaries, records: records)
    }

    /// The member's unique label: 16 hex digits of a 64-bit FNV-1a hash of its name in lower case.
    static func memberLabel(_ zone: Name) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in zone.lowercased().labelBytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
