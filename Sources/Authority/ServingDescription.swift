import Model

extension Snapshot {
    /// What every policy serves now, for people (plans, `/v1/state`, the status page): `Kind/name` and
    /// `primary (192.0.2.1)`; a geo policy lists each region's answer. Sorted by policy.
    public func servingDescriptions(state: DesiredState) -> [(policy: String, answer: String)] {
        let served = servedPolicies()
        var result: [(String, String)] = []
        for policy in state.failoverPolicies {
            guard let answer = served["FailoverPolicy/\(policy.name)"]?.fixedAnswer else { continue }
            let tier = answer.tier.flatMap { policy.tiers.indices.contains($0) ? policy.tiers[$0].name : nil }
            result.append(("FailoverPolicy/\(policy.name)", ServedEndpoints(tier: tier, values: answer.values, isFailsafe: answer.isFailsafe).description))
        }
        for policy in state.weightedPolicies {
            guard let answer = served["WeightedPolicy/\(policy.name)"]?.fixedAnswer else { continue }
            result.append(("WeightedPolicy/\(policy.name)", ServedEndpoints(values: answer.values, isFailsafe: answer.isFailsafe).description))
        }
        for policy in state.geoPolicies {
            guard case .geo(let geo)? = served["GeoPolicy/\(policy.name)"]?.answer, geo.regions.count == policy.regions.count else { continue }
            let regions = zip(policy.regions, geo.regions).map { region, answer in
                "\(region.name): \(ServedEndpoints(values: answer.values, isFailsafe: answer.isFailsafe))"
            }
            result.append(("GeoPolicy/\(policy.name)", regions.joined(separator: "; ")))
        }
        return result.sorted { $0.0 < $1.0 }
    }
}
