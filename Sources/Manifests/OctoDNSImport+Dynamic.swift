import DNSWire

/// octoDNS dynamic records as policies. octoDNS answers a dynamic record from the pool its first
/// matching rule names (one value, picked by weight), falling back along `fallback` while a pool is
/// down, and with the record's own values when every pool is. What maps cleanly:
/// - one rule without geos or subnets, one pool: a WeightedPolicy answering one endpoint by weight;
/// - one such rule whose pool falls back along a chain of pools: a FailoverPolicy, a tier per pool
///   (a tier answers all its healthy endpoints, so each pool must hold one value or equal weights);
/// - rules with geos (continents, or countries as `NA-US`) and subnets: a GeoPolicy, a region per rule
///   in order, the rule without conditions (or the record's values) as the default region.
/// Each policy gets a Monitor from the record's `octodns.healthcheck` (octoDNS's defaults: HTTPS, port
/// 443, path /_dns, the record's name as host). Anything else is a comment in the Zone manifest.
extension OctoDNSImport.ZoneConverter {
    private struct Pool {
        var name: String
        var values: [(value: String, weight: Int, isDown: Bool)]
        var fallback: String?
    }

    private struct Rule {
        var pool: String
        var geos: [String]
        var subnets: [String]
    }

    func policy(_ record: OctoDNSImport.Record, dynamic: YAMLNode) throws(OctoDNSImport.Problem) -> String {
        guard ["A", "AAAA", "CNAME"].contains(record.type) else {
            throw problem(dynamic, "only A, AAAA and CNAME dynamic records become policies here")
        }
        let pools = try self.pools(dynamic)
        let rules = try self.rules(dynamic, pools: pools)
        let origin = String(zone.description.dropLast())
        let owner = record.label.isEmpty ? "@" : record.label
        let name = (record.label.isEmpty ? "apex" : record.label).lowercased()
            .map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined() + "-" + origin.replacingOccurrences(of: ".", with: "-")
        let defaults = record.values.compactMap(\.scalarText)
        let head = """
            apiVersion: switchyard.io/v1
            kind: %KIND%
            metadata: {name: \(name)}
            spec:
              zone: \(origin)
              name: \(ZoneImport.scalar(owner))
              type: \(record.type)
              ttl: \(record.ttl)
              monitor: \(name)

            """
        var body: String
        var kind: String
        var said = "# From octoDNS \(record.owner) \(record.type) (\(place(record.node))).\n"
        if rules.count == 1, rules[0].geos.isEmpty, rules[0].subnets.isEmpty {
            var chain: [Pool] = []
            var next: String? = rules[0].pool
            while let current = next, let pool = pools.first(where: { $0.name == current }), !chain.contains(where: { $0.name == current }) {
                chain.append(pool)
                next = pool.fallback
            }
            if chain.count == 1 {
                kind = "WeightedPolicy"
                body = "  answers: 1\n  endpoints:\n" + chain[0].values.map {
                    "    - {address: \(ZoneImport.scalar($0.value)), weight: \($0.isDown ? 0 : $0.weight)}\n"
                }.joined() + "  whenAllDown: failsafe\n"
                said += "# octoDNS answers the record's own values when every endpoint is down; this answers all endpoints (failsafe).\n"
            } else {
                for pool in chain where Set(pool.values.map(\.weight)).count > 1 {
                    throw problem(dynamic, "pool \(pool.name) weighs its values, and a failover tier answers all its healthy endpoints")
                }
                kind = "FailoverPolicy"
                body = "  tiers:\n" + chain.map { pool in
                    "    - name: \(ZoneImport.scalar(pool.name))\n      endpoints: ["
                        + pool.values.map { $0.isDown ? "{address: \(ZoneImport.scalar($0.value)), enabled: false}" : ZoneImport.scalar($0.value) }
                            .joined(separator: ", ") + "]\n"
                }.joined()
                if !defaults.isEmpty {
                    body += "    - name: default\n      endpoints: [\(defaults.map(ZoneImport.scalar).joined(separator: ", "))]\n"
                }
                body += "  whenAllDown: failsafe\n"
            }
        } else {
            kind = "GeoPolicy"
            var networks: [String] = []
            var regions: [String] = []
            var defaultRegion: [String]? = nil
            for rule in rules {
                guard let pool = pools.first(where: { $0.name == rule.pool }) else { continue }
                if Set(pool.values.map(\.weight)).count > 1 {
                    throw problem(dynamic, "pool \(pool.name) weighs its values, and a geo region answers all its healthy endpoints")
                }
                let endpoints = pool.values.filter { !$0.isDown }.map(\.value)
                if rule.geos.isEmpty && rule.subnets.isEmpty {
                    if defaultRegion == nil { defaultRegion = endpoints }
                    continue
                }
                var match: [String] = []
                if !rule.subnets.isEmpty {
                    networks.append("    \(ZoneImport.scalar(pool.name)): [\(rule.subnets.map(ZoneImport.scalar).joined(separator: ", "))]\n")
                    match.append("networks: [\(ZoneImport.scalar(pool.name))]")
                }
                var continents: [String] = []
                var countries: [String] = []
                for geo in rule.geos {
                    let parts = geo.split(separator: "-")
                    switch parts.count {
                    case 1: continents.append(String(parts[0]))
                    case 2: countries.append(String(parts[1]))
                    default: throw problem(dynamic, "geo \(geo) names a province or state; regions here match continents and countries")
                    }
                }
                // Quoted: a plain NO is false to YAML 1.1 tools.
                if !continents.isEmpty { match.append("continents: [\(continents.map { "'\($0)'" }.joined(separator: ", "))]") }
                if !countries.isEmpty { match.append("countries: [\(countries.map { "'\($0)'" }.joined(separator: ", "))]") }
                regions.append("    - name: \(ZoneImport.scalar(pool.name))\n      match: {\(match.joined(separator: ", "))}\n"
                               + "      endpoints: [\(endpoints.map(ZoneImport.scalar).joined(separator: ", "))]\n")
            }
            let fallback = defaultRegion ?? defaults
            guard !fallback.isEmpty else { throw problem(dynamic, "no rule without conditions and no values for the default region") }
            regions.append("    - name: default\n      default: true\n      endpoints: [\(fallback.map(ZoneImport.scalar).joined(separator: ", "))]\n")
            body = (networks.isEmpty ? "" : "  networks:\n" + networks.joined()) + "  regions:\n" + regions.joined()
            if rules.contains(where: { !$0.geos.isEmpty }) {
                said += "# Continents and countries need a GeoIP database (switchyard controller --geoip-db).\n"
            }
        }
        return said + head.replacingOccurrences(of: "%KIND%", with: kind) + body + "---\n" + monitor(record, name: name)
    }

    private func monitor(_ record: OctoDNSImport.Record, name: String) -> String {
        var settings: [String: String] = [:]
        if let check = record.healthcheck, case .mapping(let pairs) = check.content {
            for pair in pairs { if let key = pair.key.scalarText, let value = pair.value.scalarText { settings[key] = value } }
        }
        let host = settings["host"] ?? String(record.owner.description.dropLast())
        let scheme = (settings["protocol"] ?? "HTTPS").lowercased()
        let port = settings["port"] ?? (scheme == "http" ? "80" : scheme == "tcp" ? "" : "443")
        var spec = "  protocol: \(scheme)\n"
        if !port.isEmpty { spec += "  port: \(port)\n" }
        if scheme != "tcp" {
            spec += "  path: \(ZoneImport.scalar(settings["path"] ?? "/_dns"))\n  host: \(ZoneImport.scalar(host))\n"
        }
        return """
            # The healthcheck octoDNS gave the record (its defaults where it gave none).
            apiVersion: switchyard.io/v1
            kind: Monitor
            metadata: {name: \(name)}
            spec:

            """ + spec
    }

    private func pools(_ dynamic: YAMLNode) throws(OctoDNSImport.Problem) -> [Pool] {
        guard let poolsNode = child(dynamic, "pools"), case .mapping(let pairs) = poolsNode.content, !pairs.isEmpty else {
            throw problem(dynamic, "dynamic without pools")
        }
        var pools: [Pool] = []
        for pair in pairs {
            let name = pair.key.scalarText ?? ""
            guard let valuesNode = child(pair.value, "values"), case .sequence(let items) = valuesNode.content, !items.isEmpty else {
                throw problem(pair.value, "pool \(name) without values")
            }
            var values: [(String, Int, Bool)] = []
            for item in items {
                guard let value = child(item, "value")?.scalarText else { throw problem(item, "a pool value without value") }
                let weight = child(item, "weight")?.scalarText.flatMap { Int($0) } ?? 1
                let status = child(item, "status")?.scalarText ?? "obey"
                if status == "up" { throw problem(item, "status up forces a value up, which health here never does") }
                values.append((value, weight, status == "down"))
            }
            pools.append(Pool(name: name, values: values, fallback: child(pair.value, "fallback")?.scalarText))
        }
        return pools
    }

    private func rules(_ dynamic: YAMLNode, pools: [Pool]) throws(OctoDNSImport.Problem) -> [Rule] {
        guard let rulesNode = child(dynamic, "rules"), case .sequence(let items) = rulesNode.content, !items.isEmpty else {
            throw problem(dynamic, "dynamic without rules")
        }
        return try items.map { item throws(OctoDNSImport.Problem) in
            guard let pool = child(item, "pool")?.scalarText, pools.contains(where: { $0.name == pool }) else {
                throw problem(item, "a rule names no pool that is defined")
            }
            func list(_ key: String) -> [String] {
                guard let node = child(item, key), case .sequence(let values) = node.content else { return [] }
                return values.compactMap(\.scalarText)
            }
            return Rule(pool: pool, geos: list("geos"), subnets: list("subnets"))
        }
    }

    private func child(_ node: YAMLNode, _ key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = node.content else { return nil }
        return pairs.first { $0.key.scalarText == key }?.value
    }
}
