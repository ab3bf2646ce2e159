import DNSWire
import Model

extension DocumentDecoder {
    static let catalogFields = ["zone", "secondaries", "members"]

    /// A `Catalog`: the catalog zone's name, the secondaries that consume it (at least one: a catalog
    /// nobody reads is a mistake), and its members, `all` or a list of Zone names (each defined).
    mutating func decodeCatalog(_ document: ManifestDocument, zones: [String: Zone], failedZones: Set<String>) -> Catalog? {
        guard let spec = fields(document.spec, "spec", allowed: Self.catalogFields) else { return nil }
        let origin = required(spec, "zone", "the catalog zone's own name, such as catalog.switchyard.invalid.")
            .flatMap { name($0, spec.path("zone"), origin: nil) }
        if let origin, let node = spec["zone"], let zone = zones.values.first(where: { $0.origin == origin }) {
            error(node, spec.path("zone"), "catalog zone \(origin) is also served as Zone/\(zone.name)",
                  allowed: "a catalog zone has a name of its own; catalog.switchyard.invalid. is usual")
        }
        var secondaries: [Secondary]? = nil
        if let node = required(spec, "secondaries", "a list of the secondaries that consume the catalog"),
           let items = list(node, spec.path("secondaries"), "secondaries") {
            if items.isEmpty {
                error(node, spec.path("secondaries"), "no secondaries", allowed: "list the secondaries that consume the catalog")
            }
            let decoded = items.enumerated().map { decodeSecondary($1, itemPath(spec.path("secondaries"), $0)) }
            secondaries = decoded.contains { $0 == nil } || items.isEmpty ? nil : decoded.compactMap { $0 }
        }
        var members: Catalog.Members? = .all
        if let node = spec["members"] {
            if node.scalarText == "all" {
                members = .all
            } else if let items = list(node, spec.path("members"), "all, or a list of Zone names") {
                let names = items.enumerated().map { index, item in
                    reference(item, itemPath(spec.path("members"), index), "zone", defined: zones.keys, failed: failedZones)
                }
                members = names.contains { $0 == nil } ? nil : .zones(names.compactMap { $0 })
            } else {
                members = nil
            }
        }
        guard let origin, let secondaries, let members, !diagnostics.hasErrors else { return nil }
        return Catalog(name: document.name, origin: origin, secondaries: secondaries, members: members)
    }
}
