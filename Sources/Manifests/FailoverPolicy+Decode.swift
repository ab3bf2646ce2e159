import Model

extension DocumentDecoder {
    mutating func decodeFailoverPolicy(_ document: ManifestDocument, definitions: Definitions,
                                       claims: inout [OwnerClaim]) -> FailoverPolicy? {
        guard let spec = fields(document.spec, "spec", allowed: Self.policyFields + ["tiers", "failback", "failbackToken"]) else { return nil }
        let common = decodePolicyCommon(spec, document, definitions: definitions, claims: &claims)
        let failback = spec["failback"].map { choice($0, spec.path("failback"), "failback", FailbackMode.self) } ?? .auto
        let failbackToken = spec["failbackToken"].flatMap { text($0, spec.path("failbackToken"), "any text; change it to release a manual failback") }
        if failbackToken != nil, failback != .manual, let node = spec["failbackToken"] {
            warning(node, spec.path("failbackToken"), "failbackToken has no effect with failback: auto",
                    allowed: "it releases a policy with failback: manual that stays on a lower tier")
        }
        guard let tiersNode = required(spec, "tiers", "a list of tiers, each with a name and endpoints"),
              let tierItems = list(tiersNode, spec.path("tiers"), "tiers, each with a name and endpoints"),
              let common else { return nil }
        guard !tierItems.isEmpty else {
            error(tiersNode, spec.path("tiers"), "no tiers", allowed: "expected at least one tier, the primary")
            return nil
        }
        var tiers: [FailoverPolicy.Tier] = []
        var tierNames: [String: Int] = [:]
        var located: [(endpoint: Endpoint, node: YAMLNode, path: String)] = []
        var failed = false
        for (index, item) in tierItems.enumerated() {
            let path = itemPath(spec.path("tiers"), index)
            guard let tier = fields(item, path, allowed: ["name", "endpoints"]) else {
                failed = true
                continue
            }
            let name = required(tier, "name", "a tier name such as \"primary\"").flatMap { text($0, tier.path("name"), "a tier name") }
            if let name, let first = tierNames[name] {
                error(tier["name"]!, tier.path("name"), "tier \"\(name)\" is defined twice", allowed: "tier names are unique; it is also tier \(first + 1)")
                failed = true
            }
            let endpointsNode = required(tier, "endpoints", "the tier's endpoints")
            let endpoints = endpointsNode.flatMap {
                decodeEndpoints($0, tier.path("endpoints"), common: common, definitions: definitions, allowsWeight: false)
            }
            guard let name, let endpoints, let endpointsNode, case .sequence(let endpointNodes) = endpointsNode.content else {
                failed = true
                continue
            }
            if (common.type == .cname || common.type == .alias) && endpoints.count > 1 {
                error(endpointsNode, tier.path("endpoints"), "\(endpoints.count) endpoints in one \(common.type.rawValue) tier",
                      allowed: "a \(common.type.rawValue) answers with one target; put each backup in a tier of its own")
                failed = true
            }
            tierNames[name] = index
            tiers.append(FailoverPolicy.Tier(name: name, endpoints: endpoints))
            for (offset, endpoint) in endpoints.enumerated() {
                located.append((endpoint, endpointNodes[offset], itemPath(tier.path("endpoints"), offset)))
            }
        }
        checkMonitoredTogether(located)  // over the endpoints that did decode, even if others did not
        guard !failed, let failback else { return nil }
        if !located.contains(where: { $0.endpoint.isEnabled }) {
            warning(tiersNode, spec.path("tiers"), "every endpoint is disabled", allowed: "the policy will answer NODATA until one is enabled")
        }
        guard !diagnostics.hasErrors, let target = common.target else { return nil }
        return FailoverPolicy(name: document.name, target: target, tiers: tiers, whenAllDown: common.whenAllDown,
                              failback: failback, failbackToken: failbackToken, notify: common.notify)
    }
}
