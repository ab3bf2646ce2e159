import DNSWire
import Model

/// A geo policy, precomputed: the answer of each region, the networks to find a client's region by
/// longest prefix, then the continents and countries to match with a GeoIP database.
public struct GeoAnswer: Hashable, Sendable {
    struct Codes: Hashable, Sendable {
        let continents: Set<String>
        let countries: Set<String>
        let region: Int
    }

    /// Each region's answer; a region whose own endpoints are all down answers with the default's.
    let regions: [PolicyAnswer]
    let defaultAnswer: PolicyAnswer
    /// The named networks by family, each prefix mapped to the first region that lists it.
    let v4: PrefixTrie
    let v6: PrefixTrie
    /// Regions with continents or countries, in the order written.
    let codes: [Codes]

    /// The answer for a client at `address` (nil: unknown, so the default), and the Client Subnet scope
    /// it holds for (RFC 7871 §7.2.1): the shortest prefix of the address whose block gets this answer
    /// throughout, no named network of another region inside it (`PrefixTrie.scope`), and with a GeoIP
    /// database no shorter than the database's block. Named networks are tried first; then, with a
    /// database, the first region listing the client's country or continent. Without a database,
    /// regions that only list codes are never chosen.
    public func answer(for address: IPAddress?, geoip: GeoIPDatabase? = nil) -> (answer: PolicyAnswer, scope: UInt8) {
        let (region, scope) = region(for: address, geoip: geoip)
        return (region.map { regions[$0] } ?? defaultAnswer, scope)
    }

    /// `answer(for:geoip:)` as the index of the region chosen, nil for the default.
    func region(for address: IPAddress?, geoip: GeoIPDatabase?) -> (region: Int?, scope: UInt8) {
        guard let address else { return (nil, 0) }
        let trie = if case .v4 = address { v4 } else { v6 }
        if let match = trie.longestMatch(address) {
            return (match.value, trie.scope(of: address, value: match.value, from: match.prefixLength))
        }
        // No named network holds the address: its block must leave them all out.
        let unnamed = trie.scope(of: address, value: nil, from: 0)
        if !codes.isEmpty, let geoip {
            // Unknown to the database: no block is known to share its answer.
            guard let location = geoip.locate(address) else {
                let whole: UInt8 = if case .v4 = address { 32 } else { 128 }
                return (nil, whole)
            }
            if let match = codes.first(where: { codes in
                location.country.map(codes.countries.contains) == true || location.continent.map(codes.continents.contains) == true
            }) {
                return (match.region, max(location.prefixLength, unnamed))
            }
            return (nil, max(location.prefixLength, unnamed))
        }
        return (nil, unnamed)
    }
}

/// Builds a `GeoAnswer`.
///
/// Truth table for one region:
///
/// | region answers with | its answer now                                   |
/// |---------------------|--------------------------------------------------|
/// | endpoints, some healthy | those healthy endpoints                       |
/// | endpoints, none healthy | the default region's answer (the fallback)    |
/// | use: a policy       | that policy's answer as it stands                |
///
/// The default region with no healthy endpoint follows the policy's `whenAllDown` (failsafe: every
/// enabled endpoint; none: NODATA).
enum GeoEvaluator {
    static func evaluate(_ policy: GeoPolicy, health: HealthTable, used: (PolicyID) -> PolicyAnswer?) -> GeoAnswer {
        let ttl = policy.target.ttl
        func endpointsAnswer(_ endpoints: [Endpoint]) -> PolicyAnswer? {
            let enabled = endpoints.filter(\.isEnabled)
            let healthy = enabled.filter { health.state(of: $0).isServable }
            guard !healthy.isEmpty else { return nil }
            return PolicyAnswer(selection: .all(healthy.map(\.value)), ttl: ttl, isDegraded: healthy.count < enabled.count)
        }
        func regionAnswer(_ region: GeoPolicy.Region) -> PolicyAnswer? {
            switch region.answer {
            case .endpoints(let endpoints): endpointsAnswer(endpoints)
            case .use(let policy):
                // Under the geo policy's name, with its TTL (halved while the used policy is degraded).
                used(policy).map { answer in
                    var answer = answer
                    answer.ttl = answer.isDegraded ? PolicyAnswer.degradedTTL(ttl) : ttl
                    return answer
                }
            }
        }
        let defaultRegion = policy.regions.first(where: \.isDefault)
        var defaultAnswer = defaultRegion.flatMap(regionAnswer)
        if defaultAnswer == nil {
            if policy.whenAllDown == .failsafe, case .endpoints(let endpoints)? = defaultRegion?.answer,
               endpoints.contains(where: \.isEnabled) {
                defaultAnswer = PolicyAnswer(selection: .all(endpoints.filter(\.isEnabled).map(\.value)), ttl: ttl,
                                             isDegraded: true, isFailsafe: true)
            } else {
                defaultAnswer = PolicyAnswer(selection: .nothing, ttl: ttl, isDegraded: true)
            }
        }
        let fallback = defaultAnswer!
        let regions = policy.regions.map { region -> PolicyAnswer in
            guard let answer = regionAnswer(region) else {
                var degraded = fallback
                degraded.isDegraded = true
                degraded.ttl = min(degraded.ttl, PolicyAnswer.degradedTTL(ttl))
                return degraded
            }
            return answer
        }
        var v4 = PrefixTrie()
        var v6 = PrefixTrie()
        for (index, region) in policy.regions.enumerated() where !region.isDefault {
            for name in region.networks {
                for cidr in policy.networks.first(where: { $0.name == name })?.prefixes ?? [] {
                    // A prefix listed by two regions belongs to the first (regions are tried in order).
                    if case .v4 = cidr.address { v4.insert(cidr, value: index) } else { v6.insert(cidr, value: index) }
                }
            }
        }
        let codes = policy.regions.enumerated().compactMap { index, region -> GeoAnswer.Codes? in
            guard !region.isDefault, !region.continents.isEmpty || !region.countries.isEmpty else { return nil }
            return GeoAnswer.Codes(continents: Set(region.continents), countries: Set(region.countries), region: index)
        }
        return GeoAnswer(regions: regions, defaultAnswer: fallback, v4: v4, v6: v6, codes: codes)
    }
}
