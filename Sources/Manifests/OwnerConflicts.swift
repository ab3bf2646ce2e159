import DNSWire
import Model

/// Checks that each name in a zone is answered consistently across documents:
/// - a CNAME stands alone at its name (RFC 1034 §3.6.2; RFC 2181 §10.1), and never at the apex;
/// - an ALIAS answers A and AAAA itself, so no A or AAAA sits beside it;
/// - each type at a name is answered by one static record set or one policy, never two.
/// Each conflict is reported once, at the later claim, naming the earlier one.
func ownerConflicts(_ claims: [OwnerClaim], zones: [String: Zone]) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    var groups: [ZoneOwner: [OwnerClaim]] = [:]
    groups.reserveCapacity(claims.count)
    for claim in claims {
        groups[ZoneOwner(zone: claim.zone, owner: claim.owner), default: []].append(claim)
    }
    for claim in claims where claim.isCNAME {
        if let zone = zones[claim.zone], claim.owner == zone.origin, case .record = claim.source {
            diagnostics.append(Diagnostic(.error, at: claim.location, path: claim.path,
                                          "the zone apex \(claim.owner) has a CNAME at \(claim.path) in \(claim.subject)",
                                          allowed: "the apex holds SOA and NS, which a CNAME may not sit beside; use an ALIAS policy"))
        }
    }
    for unordered in groups.values where unordered.count > 1 {
        let group = unordered.sorted { $0.location < $1.location }  // "later" means later in the files
        for (index, claim) in group.enumerated() {
            for earlier in group[..<index] {
                guard let reason = conflict(earlier, claim) else { continue }
                let types = claim.types.map(\.description).joined(separator: "/")
                diagnostics.append(Diagnostic(.error, at: claim.location, path: claim.path,
                                              "\(claim.owner) \(types) conflicts with \(earlier.what) (\(earlier.location)) at \(claim.path) in \(claim.subject)",
                                              allowed: reason))
                break
            }
        }
    }
    return diagnostics
}

private struct ZoneOwner: Hashable {
    let zone: String
    let owner: Name
}

/// Why two claims on one name cannot both stand, or nil when they can.
private func conflict(_ a: OwnerClaim, _ b: OwnerClaim) -> String? {
    if a.isCNAME || b.isCNAME {
        return "a CNAME stands alone at its name (RFC 1034 §3.6.2)"
    }
    let addressTypes: Set<RRType> = [.a, .aaaa]
    if (a.isAlias && !addressTypes.isDisjoint(with: b.types)) || (b.isAlias && !addressTypes.isDisjoint(with: a.types)) {
        return "an ALIAS answers A and AAAA itself; remove the other A or AAAA at this name"
    }
    if !Set(a.types).isDisjoint(with: b.types) {
        return "each name and type is answered by one static record set or one policy"
    }
    return nil
}
