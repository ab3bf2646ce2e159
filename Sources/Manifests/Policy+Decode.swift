import DNSWire
import Model

/// What every policy kind shares, read once.
struct PolicyCommon {
    /// Nil when the zone, name, TTL, monitor, whenAllDown or notify is invalid: the rest of the policy is
    /// still checked, but it is not compiled.
    var target: PolicyTarget?
    var type: PolicyRecordType
    /// The zone's origin, or the root while the zone is unknown (relative names are then checked only).
    var origin: Name
    /// The Target the zone is pushed to, when it is not served here.
    var pushedTo: String?
    var defaultMonitor: String?
    var whenAllDown: AllDownBehavior
    var notify: [String]
}

extension DocumentDecoder {
    static let policyFields = ["zone", "name", "type", "ttl", "monitor", "whenAllDown", "notify"]

    /// Reads zone, name, type, ttl, monitor, whenAllDown and notify, and claims the owner and type.
    /// Returns nil only when the type is unknown, since endpoints cannot be read without it.
    mutating func decodePolicyCommon(_ spec: Fields, _ document: ManifestDocument, definitions: Definitions,
                                     claims: inout [OwnerClaim]) -> PolicyCommon? {
        let targets = definitions.targetsByZone
        let zoneName = required(spec, "zone", "the name of a Zone, or the zone of a Target").flatMap { node -> String? in
            // A Target's zone may be written with its final dot, as in the Target.
            if let text = node.scalarText, let target = targets[text.hasSuffix(".") ? String(text.dropLast()) : text] {
                return target.zoneReference
            }
            return reference(node, spec.path("zone"), "zone", defined: Array(definitions.zones.keys) + targets.keys,
                             failed: failed[.zone] ?? [])
        }
        let pushedTo = zoneName.flatMap { targets[$0] }
        let zone: (name: String, origin: Name)? = zoneName.flatMap { name in
            definitions.zones[name].map { ($0.name, $0.origin) } ?? pushedTo.map { (name, $0.zone) }
        }
        var owner: Name? = nil
        if let node = required(spec, "name", "the owner name in the zone, such as \"www\" or \"@\" for the apex"), let zone {
            owner = name(node, spec.path("name"), origin: zone.origin)
            if let name = owner, !name.isSubdomain(of: zone.origin) {
                error(node, spec.path("name"), "name \"\(name)\" lies outside the zone \(zone.origin)",
                      allowed: "expected a name in the zone, such as \"www\" or \"@\"")
                owner = nil
            }
        }
        let type = required(spec, "type", "one of \"A\", \"AAAA\", \"CNAME\" or \"ALIAS\"").flatMap {
            choice($0, spec.path("type"), "type", PolicyRecordType.self)
        }
        let ttl = spec["ttl"].map { self.ttl($0, spec.path("ttl")) } ?? 60
        let monitorNode = spec["monitor"]
        let monitor = monitorNode.map {
            reference($0, spec.path("monitor"), "monitor", defined: definitions.monitors.keys, failed: failed[.monitor] ?? [])
        }
        let whenAllDown = spec["whenAllDown"].map { choice($0, spec.path("whenAllDown"), "whenAllDown", AllDownBehavior.self) }
            ?? .failsafe
        var notify: [String]? = []
        if let node = spec["notify"], let items = list(node, spec.path("notify"), "notifier names") {
            let names = items.enumerated().map {
                reference($1, itemPath(spec.path("notify"), $0), "notifier", defined: definitions.notifiers.keys,
                          failed: failed[.notifier] ?? [])
            }
            notify = names.contains { $0 == nil } ? nil : names.compactMap { $0 }
        }
        var isRefusedType = false
        if let zone, let owner, type == .cname, owner == zone.origin {
            error(spec["name"]!, spec.path("name"), "a CNAME at the zone apex",
                  allowed: "the apex holds SOA and NS, which a CNAME may not sit beside (RFC 1034 §3.6.2); use type ALIAS")
            isRefusedType = true
        }
        if let pushedTo, type == .alias, let node = spec["type"] {
            error(node, spec.path("type"), "ALIAS in zone \(pushedTo.zone), which is pushed to Target/\(pushedTo.name)",
                  allowed: "a target is sent records, and ALIAS is not one (our own server resolves it per query); use A, AAAA or CNAME")
            isRefusedType = true
        }
        guard let type else { return nil }
        var target: PolicyTarget? = nil
        if let zone, let owner, let ttl, whenAllDown != nil, notify != nil, !(monitorNode != nil && monitor == nil), !isRefusedType {
            target = PolicyTarget(zone: zone.name, owner: owner, type: type, ttl: ttl)
            claims.append(OwnerClaim(zone: zone.name, owner: owner, source: .policy(type), subject: document.subject,
                                     path: spec.path("name"), location: location(spec["name"]!)))
        }
        return PolicyCommon(target: target, type: type, origin: zone?.origin ?? .root, pushedTo: pushedTo?.name,
                            defaultMonitor: monitor ?? nil, whenAllDown: whenAllDown ?? .failsafe, notify: notify ?? [])
    }

    /// A list of endpoints: each an address (or target name for CNAME/ALIAS) or a mapping with `address`,
    /// `monitor`, `enabled` and, where `allowsWeight`, `weight`. Duplicates are refused.
    mutating func decodeEndpoints(_ node: YAMLNode, _ path: String, common: PolicyCommon, definitions: Definitions,
                                  allowsWeight: Bool) -> [Endpoint]? {
        let expected = common.type == .cname || common.type == .alias ? "target names" : "addresses"
        guard let items = list(node, path, "endpoints (\(expected))") else { return nil }
        guard !items.isEmpty else {
            error(node, path, "no endpoints", allowed: "expected at least one endpoint")
            return nil
        }
        var endpoints: [Endpoint] = []
        var seen: [EndpointValue: Int] = [:]
        var failed = false
        for (index, item) in items.enumerated() {
            let itemPath = itemPath(path, index)
            guard let endpoint = decodeEndpoint(item, itemPath, common: common, definitions: definitions, allowsWeight: allowsWeight) else {
                failed = true
                continue
            }
            if let first = seen[endpoint.value] {
                error(item, itemPath, "endpoint \(endpoint.value) is listed twice", allowed: "list each endpoint once; it is also endpoint \(first + 1)")
                failed = true
                continue
            }
            seen[endpoint.value] = index
            endpoints.append(endpoint)
        }
        return failed ? nil : endpoints
    }

    private mutating func decodeEndpoint(_ node: YAMLNode, _ path: String, common: PolicyCommon, definitions: Definitions,
                                         allowsWeight: Bool) -> Endpoint? {
        var valueNode = node
        var valuePath = path
        var weight: Int? = 1
        var monitor: String?? = .some(common.defaultMonitor)
        var enabled: Bool? = true
        if case .mapping = node.content {
            let allowed = allowsWeight ? ["address", "weight", "monitor", "enabled"] : ["address", "monitor", "enabled"]
            guard let fields = fields(node, path, allowed: allowed),
                  let address = required(fields, "address", "the endpoint's address or target name") else { return nil }
            valueNode = address
            valuePath = fields.path("address")
            if let node = fields["weight"] { weight = integer(node, fields.path("weight"), "weight", 0...1_000_000) }
            if let node = fields["monitor"] {
                monitor = reference(node, fields.path("monitor"), "monitor", defined: definitions.monitors.keys,
                                    failed: failed[.monitor] ?? []).map { .some($0) }
            }
            if let node = fields["enabled"] { enabled = boolean(node, fields.path("enabled")) }
        }
        let value = decodeEndpointValue(valueNode, valuePath, type: common.type, origin: common.origin)
        guard let value, let weight, let monitor, let enabled else { return nil }
        return Endpoint(value: value, weight: weight, monitor: monitor, isEnabled: enabled)
    }

    private mutating func decodeEndpointValue(_ node: YAMLNode, _ path: String, type: PolicyRecordType, origin: Name) -> EndpointValue? {
        switch type {
        case .a:
            guard let text = text(node, path, "an IPv4 address such as 192.0.2.1") else { return nil }
            if let address = IPv4Address(text) { return .address(.v4(address)) }
            let hint = IPv6Address(text) != nil ? "; this is IPv6, which belongs in a policy of type AAAA" : ""
            error(node, path, "invalid IPv4 address \"\(text)\"", allowed: "expected an address such as 192.0.2.1 for type A\(hint)")
        case .aaaa:
            guard let text = text(node, path, "an IPv6 address such as 2001:db8::1") else { return nil }
            if let address = IPv6Address(text) { return .address(.v6(address)) }
            let hint = IPv4Address(text) != nil ? "; this is IPv4, which belongs in a policy of type A" : ""
            error(node, path, "invalid IPv6 address \"\(text)\"", allowed: "expected an address such as 2001:db8::1 for type AAAA\(hint)")
        case .cname, .alias:
            guard let text = text(node, path, "a target name such as \"lb.example.net.\"") else { return nil }
            if IPAddress(text) != nil {
                error(node, path, "\"\(text)\" is an address", allowed: "a \(type.rawValue) policy answers with target names; use type A or AAAA for addresses")
                return nil
            }
            return name(node, path, origin: origin).map { .target($0) }
        }
        return nil
    }

    /// In a failover policy either every endpoint is monitored or none is: a mix would fail over
    /// to endpoints nobody checks.
    mutating func checkMonitoredTogether(_ endpoints: [(endpoint: Endpoint, node: YAMLNode, path: String)]) {
        guard endpoints.contains(where: { $0.endpoint.monitor != nil }),
              let unmonitored = endpoints.first(where: { $0.endpoint.monitor == nil }) else { return }
        error(unmonitored.node, unmonitored.path, "endpoint \(unmonitored.endpoint.value) has no monitor while others have one",
              allowed: "monitor every endpoint (spec.monitor or monitor on each endpoint) or none")
    }
}
