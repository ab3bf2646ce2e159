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

extension Snapshot {
    /// Why each policy serves what it does now, in a few words (the status page): which tier and why,
    /// how many weighted endpoints are healthy, the failsafe.
    public func servingReasons(state: DesiredState) -> [PolicyID: String] {
        let served = servedPolicies()
        var reasons: [PolicyID: String] = [:]
        for policy in state.failoverPolicies {
            guard let answer = served[policy.id]?.fixedAnswer else { continue }
            let names = policy.tiers.map(\.name)
            reasons[policy.id] = switch (answer.tier, answer.isFailsafe) {
            case (let tier?, true): "no tier has a healthy endpoint: the failsafe answers with every enabled endpoint of \(names[tier])"
            case (nil, _): "no tier has a healthy endpoint: NODATA (whenAllDown: none)"
            case (0?, false): answer.isDegraded ? "\(names[0]) is healthy, some of its endpoints are down" : "\(names[0]) is healthy"
            case (let tier?, false):
                "\(names[tier]) serves: " + (policy.failback == .manual
                    ? "the tiers above had no healthy endpoint, and failback is manual"
                    : "\(names[..<tier].joined(separator: ", ")) \(tier == 1 ? "has" : "have") no healthy endpoint")
            }
        }
        for policy in state.weightedPolicies {
            guard let answer = served[policy.id]?.fixedAnswer else { continue }
            let enabled = policy.endpoints.filter(\.isEnabled).count
            reasons[policy.id] = answer.isFailsafe ? "no endpoint is healthy: the failsafe answers with every enabled one"
                : answer.values.isEmpty ? "no endpoint is healthy: NODATA (whenAllDown: none)"
                : "\(answer.values.count) of \(enabled) enabled endpoints healthy, \(policy.answers) picked per answer by weight"
        }
        for policy in state.geoPolicies {
            guard case .geo(let geo)? = served[policy.id]?.answer, geo.regions.count == policy.regions.count else { continue }
            let failsafe = zip(policy.regions, geo.regions).filter { $0.1.isFailsafe }.map(\.0.name)
            reasons[policy.id] = "by the client's region (\(policy.regions.count) regions)"
                + (failsafe.isEmpty ? "" : "; no healthy endpoint in \(failsafe.joined(separator: ", ")): failsafe")
        }
        return reasons
    }
}
