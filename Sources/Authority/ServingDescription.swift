import Model

extension Snapshot {
    /// What every policy serves now, for people (plans, `/v1/state`, the status page): the policy and
    /// `primary (192.0.2.1)`; a geo policy lists each region's answer. Sorted by policy.
    public func servingDescriptions(state: DesiredState) -> [(policy: PolicyID, answer: String)] {
        Self.describe(servedPolicies(), state: state)
    }

    /// What every policy of `state` would serve with `health`, described as above, without building
    /// the zones (for plans).
    public static func servingDescriptions(state: DesiredState, health: HealthTable) -> [(policy: PolicyID, answer: String)] {
        var served: [PolicyID: ServedPolicy] = [:]
        for policies in ServedPolicy.evaluate(state, health: health, previous: [:]).byZone.values {
            for policy in policies.values { served[policy.id] = policy }
        }
        return describe(served, state: state)
    }

    private static func describe(_ served: [PolicyID: ServedPolicy], state: DesiredState) -> [(policy: PolicyID, answer: String)] {
        var result: [(PolicyID, String)] = []
        for policy in state.failoverPolicies {
            guard let answer = served[policy.id]?.fixedAnswer else { continue }
            let tier = answer.tier.flatMap { policy.tiers.indices.contains($0) ? policy.tiers[$0].name : nil }
            result.append((policy.id, ServedEndpoints(tier: tier, values: answer.values, isFailsafe: answer.isFailsafe).description))
        }
        for policy in state.weightedPolicies {
            guard let answer = served[policy.id]?.fixedAnswer else { continue }
            result.append((policy.id, ServedEndpoints(values: answer.values, isFailsafe: answer.isFailsafe).description))
        }
        for policy in state.geoPolicies {
            guard case .geo(let geo)? = served[policy.id]?.answer, geo.regions.count == policy.regions.count else { continue }
            let regions = zip(policy.regions, geo.regions).map { region, answer in
                "\(region.name): \(ServedEndpoints(values: answer.values, isFailsafe: answer.isFailsafe))"
            }
            result.append((policy.id, regions.joined(separator: "; ")))
        }
        return result.sorted { $0.0 < $1.0 }
    }
}
