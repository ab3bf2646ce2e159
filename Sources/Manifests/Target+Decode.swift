import DNSWire
import Model

extension DocumentDecoder {
    static let targetFields = ["zone", "server", "tsigKey"]

    /// A `Target`: a zone Switchyard does not serve (no Zone manifest has it, no other Target pushes
    /// to it), the server that is its primary, and optionally the TSIG key that signs each UPDATE.
    mutating func decodeTarget(_ document: ManifestDocument, definitions: Definitions) -> Target? {
        guard let spec = fields(document.spec, "spec", allowed: Self.targetFields) else { return nil }
        let zone = required(spec, "zone", "the zone's name at the server, such as corp.example.")
            .flatMap { name($0, spec.path("zone"), origin: nil) }
        if let zone, let node = spec["zone"] {
            if let served = definitions.zones.values.first(where: { $0.origin == zone }) {
                error(node, spec.path("zone"), "zone \(zone) is served here as Zone/\(served.name)",
                      allowed: "a Target's zone is one another server is primary for; serve a zone or push it, not both")
            } else if let other = definitions.targets.values.first(where: { $0.zone == zone }) {
                error(node, spec.path("zone"), "zone \(zone) is already pushed to Target/\(other.name)",
                      allowed: "one Target per zone: the zone's primary")
            }
        }
        let expected = "an IP address or host name with an optional port: 192.0.2.53, 192.0.2.53:5300, [2001:db8::53]:5300 or ns1.corp.example"
        var server: (Secondary.Host, UInt16)? = nil
        if let node = required(spec, "server", expected), let text = text(node, spec.path("server"), expected) {
            server = parseSecondaryHost(text)
            if server == nil { error(node, spec.path("server"), "invalid server \"\(text)\"", allowed: "expected \(expected)") }
        }
        var key: TSIGKey?? = .some(nil)
        if let node = spec["tsigKey"] { key = decodeTSIGKey(node, spec.path("tsigKey")) }
        guard let zone, let server, let key, !diagnostics.hasErrors else { return nil }
        return Target(name: document.name, zone: zone, host: server.0, port: server.1, tsigKey: key)
    }
}
