import DNSWire
import Model

extension DocumentDecoder {
    mutating func decodeGeoPolicy(_ document: ManifestDocument, definitions: Definitions, claims: inout [OwnerClaim]) -> GeoPolicy? {
        guard let spec = fields(document.spec, "spec", allowed: Self.policyFields + ["networks", "regions"]) else { return nil }
        let common = decodePolicyCommon(spec, document, definitions: definitions, claims: &claims)
        if let target = common?.pushedTo, let node = spec["zone"] {
            error(node, spec.path("zone"), "a GeoPolicy in a zone pushed to Target/\(target)",
                  allowed: "a target holds one static answer for every client; serve the zone here for geo answers, or use a FailoverPolicy or WeightedPolicy")
        }
        var networks: [NamedNetwork] = []
        var networksFailed = false
        if let node = spec["networks"] {
            (networks, networksFailed) = decodeNetworks(node, spec.path("networks"))
        }
        guard let regionsNode = required(spec, "regions", "a list of regions, one of them the default"),
              let regionItems = list(regionsNode, spec.path("regions"), "regions"), let common else { return nil }
        var regions: [GeoPolicy.Region] = []
        var regionNames: [String: Int] = [:]
        var usedNetworks: Set<String> = []
        var failed = networksFailed
        for (index, item) in regionItems.enumerated() {
            let path = itemPath(spec.path("regions"), index)
            guard let region = decodeRegion(item, path, common: common, definitions: definitions, networks: networks) else {
                failed = true
                continue
            }
            if let first = regionNames[region.name] {
                error(item, path, "region \"\(region.name)\" is defined twice", allowed: "region names are unique; it is also region \(first + 1)")
                failed = true
            }
            regionNames[region.name] = index
            usedNetworks.formUnion(region.networks)
            regions.append(region)
        }
        // Counted from the nodes, so the rule is checked even when a region has other errors.
        let defaultCount = regionItems.filter { item in
            guard case .mapping(let pairs) = item.content else { return false }
            return pairs.contains { $0.keyText == "default" && $0.value.scalarText == "true" }
        }.count
        if defaultCount != 1 {
            error(regionsNode, spec.path("regions"), "\(defaultCount) default regions",
                  allowed: "exactly one region has default: true; it answers clients no other region matches")
            return nil
        }
        guard !failed else { return nil }
        for network in networks where !usedNetworks.contains(network.name) {
            warning(spec["networks"]!, spec.path("networks"), "network \"\(network.name)\" is not used by any region",
                    allowed: "reference it in a region's match.networks or remove it")
        }
        guard let target = common.target else { return nil }
        return GeoPolicy(name: document.name, target: target, networks: networks, regions: regions,
                         whenAllDown: common.whenAllDown, notify: common.notify)
    }

    /// `name: [CIDR, …]` pairs, in the order written. Every name is returned, even one with a bad CIDR,
    /// so regions referring to it are not reported as well; `failed` says whether any CIDR was bad.
    private mutating func decodeNetworks(_ node: YAMLNode, _ path: String) -> (networks: [NamedNetwork], failed: Bool) {
        guard case .mapping(let pairs) = node.content else {
            error(node, path, "found \(node.kindDescription)", allowed: "expected a mapping of network names to lists of CIDRs")
            return ([], true)
        }
        var networks: [NamedNetwork] = []
        var failed = false
        for pair in pairs {
            let networkPath = "\(path).\(pair.keyText)"
            var prefixes: [CIDR] = []
            let items = list(pair.value, networkPath, "CIDRs such as 10.20.0.0/16") ?? []
            for (index, item) in items.enumerated() {
                guard let text = text(item, itemPath(networkPath, index), "a CIDR such as 10.20.0.0/16") else {
                    failed = true
                    continue
                }
                if let cidr = CIDR(text) {
                    prefixes.append(cidr)
                } else {
                    error(item, itemPath(networkPath, index), "invalid CIDR \"\(text)\"",
                          allowed: "expected address/length with no bits set past the length, such as 10.20.0.0/16 or 2001:db8:20::/48")
                    failed = true
                }
            }
            if prefixes.isEmpty && !failed {
                error(pair.value, networkPath, "network \"\(pair.keyText)\" is empty", allowed: "expected at least one CIDR")
                failed = true
            }
            networks.append(NamedNetwork(name: pair.keyText, prefixes: prefixes))
        }
        return (networks, failed)
    }

    private mutating func decodeRegion(_ node: YAMLNode, _ path: String, common: PolicyCommon, definitions: Definitions,
                                       networks: [NamedNetwork]) -> GeoPolicy.Region? {
        guard let region = fields(node, path, allowed: ["name", "match", "endpoints", "use", "default"]) else { return nil }
        let name = required(region, "name", "a region name such as \"europe\"").flatMap { text($0, region.path("name"), "a region name") }
        let isDefault = region["default"].map { boolean($0, region.path("default")) } ?? false
        var continents: [String] = []
        var countries: [String] = []
        var networkNames: [String] = []
        var failed = false
        if let matchNode = region["match"] {
            if isDefault == true {
                error(matchNode, region.path("match"), "the default region has a match",
                      allowed: "the default region answers every client no other region matches; remove match or default")
                failed = true
            } else if let match = fields(matchNode, region.path("match"), allowed: ["continents", "countries", "networks"]) {
                if let codes = codes(match, "continents", valid: continentCodes, what: "continent code", hints: [:]) {
                    continents = codes
                } else {
                    failed = true
                }
                if let codes = codes(match, "countries", valid: countryCodes, what: "country code", hints: countryCodeHints) {
                    countries = codes
                } else {
                    failed = true
                }
                if let node = match["networks"], let items = list(node, match.path("networks"), "network names") {
                    for (index, item) in items.enumerated() {
                        if let network = reference(item, itemPath(match.path("networks"), index), "network",
                                                   defined: networks.map(\.name)) {
                            networkNames.append(network)
                        } else {
                            failed = true
                        }
                    }
                }
                if continents.isEmpty && countries.isEmpty && networkNames.isEmpty && !failed {
                    error(matchNode, region.path("match"), "the match is empty",
                          allowed: "match on continents, countries or networks")
                    failed = true
                }
            } else {
                failed = true
            }
        } else if isDefault == false {
            error(at: location(region.position), path, "region \(name.map { "\"\($0)\"" } ?? "") has no match",
                  allowed: "match on continents, countries or networks, or make it the default region")
            failed = true
        }
        var answer: GeoPolicy.RegionAnswer? = nil
        switch (region["endpoints"], region["use"]) {
        case (let endpointsNode?, nil):
            answer = decodeEndpoints(endpointsNode, region.path("endpoints"), common: common, definitions: definitions,
                                     allowsWeight: false).map { .endpoints($0) }
        case (nil, let useNode?):
            answer = decodeUse(useNode, region.path("use"), common: common, definitions: definitions)
        case (_?, let useNode?):
            error(useNode, region.path("use"), "the region has both endpoints and use", allowed: "a region answers with its endpoints or hands over to one policy, not both")
        case (nil, nil):
            error(at: location(region.position), path, "the region has neither endpoints nor use",
                  allowed: "expected endpoints, or use: the name of a FailoverPolicy or WeightedPolicy")
        }
        guard let name, let isDefault, let answer, !failed else { return nil }
        return GeoPolicy.Region(name: name, continents: continents, countries: countries, networks: networkNames,
                                isDefault: isDefault, answer: answer)
    }

    /// Upper-case codes from `valid`.
    private mutating func codes(_ match: Fields, _ key: String, valid: Set<String>, what: String,
                                hints: [String: String]) -> [String]? {
        guard let node = match[key] else { return [] }
        guard let items = list(node, match.path(key), "\(what)s") else { return nil }
        var result: [String] = []
        var failed = false
        for (index, item) in items.enumerated() {
            guard let text = text(item, itemPath(match.path(key), index), "a \(what)") else {
                failed = true
                continue
            }
            if valid.contains(text) {
                result.append(text)
                continue
            }
            failed = true
            let hint = hints[text.uppercased()].map { "did you mean \"\($0)\"?" }
                ?? (valid.contains(text.uppercased()) ? "did you mean \"\(text.uppercased())\"? codes are upper case"
                    : valid.count < 20 ? "expected one of \(quotedList(valid.sorted()))" : "expected an ISO 3166-1 alpha-2 code such as NO, DE or US")
            error(item, itemPath(match.path(key), index), "unknown \(what) \"\(text)\"", allowed: hint)
        }
        return failed ? nil : result
    }

    /// `use:` names a FailoverPolicy or WeightedPolicy answering the same type. Geo policies cannot be
    /// named, so chains end after one step and cannot loop.
    private mutating func decodeUse(_ node: YAMLNode, _ path: String, common: PolicyCommon,
                                    definitions: Definitions) -> GeoPolicy.RegionAnswer? {
        guard let name = text(node, path, "the name of a FailoverPolicy or WeightedPolicy") else { return nil }
        let failover = definitions.failoverPolicies[name]
        let weighted = definitions.weightedPolicies[name]
        let used: (id: PolicyID, type: PolicyRecordType)
        switch (failover, weighted) {
        case (let policy?, nil): used = (PolicyID(.failover, name), policy.target.type)
        case (nil, let policy?): used = (PolicyID(.weighted, name), policy.target.type)
        case (_?, _?):
            error(node, path, "\"\(name)\" names both a FailoverPolicy and a WeightedPolicy",
                  allowed: "rename one of them so use: is unambiguous")
            return nil
        case (nil, nil) where definitions.geoPolicyNames.contains(name):
            error(node, path, "\"\(name)\" is a GeoPolicy",
                  allowed: "use: names a FailoverPolicy or WeightedPolicy; geo policies do not chain, so answers cannot loop")
            return nil
        case (nil, nil):
            let failedNames = failed[.failoverPolicy, default: []].union(failed[.weightedPolicy, default: []])
            if failedNames.contains(name) { return nil }  // it exists, with errors of its own
            let names = Set(definitions.failoverPolicies.keys).union(definitions.weightedPolicies.keys).union(failedNames).sorted()
            let hint = closestMatch(to: name, in: names).map { "did you mean \"\($0)\"?" }
                ?? (names.isEmpty ? "no FailoverPolicy or WeightedPolicy is defined"
                    : "expected the name of a FailoverPolicy or WeightedPolicy: \(quotedList(names))")
            error(node, path, "policy \"\(name)\" is not defined", allowed: hint)
            return nil
        }
        guard used.type == common.type else {
            error(node, path, "\(used.id) answers \(used.type.rawValue), this policy \(common.type.rawValue)",
                  allowed: "use: names a policy of the same type")
            return nil
        }
        return .use(used.id)
    }
}
