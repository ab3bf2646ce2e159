import Model

/// Which endpoints a weighted policy picks from, from the health table.
///
/// Truth table (*healthy* = enabled and not down; unknown counts as up):
///
/// | healthy endpoints with weight > 0 | healthy with weight 0 | whenAllDown | picks from                                   | degraded |
/// |-----------------------------------|-----------------------|-------------|----------------------------------------------|----------|
/// | some                              | —                     | —           | those, by weight                             | when an enabled one is down |
/// | none                              | some                  | —           | those, equally (drained, but better than none) | yes    |
/// | none                              | none                  | failsafe    | every enabled one, by weight (equally if all are 0) | yes |
/// | none                              | none                  | none        | NODATA                                       | yes      |
enum WeightedEvaluator {
    static func evaluate(_ policy: WeightedPolicy, health: HealthTable) -> PolicyAnswer {
        let ttl = policy.target.ttl
        let enabled = policy.endpoints.filter(\.isEnabled)
        let healthy = enabled.filter { health.state(of: $0).isServable }
        let anyDown = healthy.count < enabled.count
        let weighted = healthy.filter { $0.weight > 0 }
        if !weighted.isEmpty {
            return answer(weighted, count: policy.answers, ttl: ttl, isDegraded: anyDown)
        }
        if !healthy.isEmpty {
            return answer(healthy.map { Endpoint(value: $0.value, weight: 1) }, count: policy.answers, ttl: ttl, isDegraded: true)
        }
        guard policy.whenAllDown == .failsafe, !enabled.isEmpty else {
            return PolicyAnswer(selection: .nothing, ttl: ttl, isDegraded: true)
        }
        let all = enabled.contains { $0.weight > 0 } ? enabled.filter { $0.weight > 0 } : enabled.map { Endpoint(value: $0.value, weight: 1) }
        var failsafe = answer(all, count: policy.answers, ttl: ttl, isDegraded: true)
        failsafe.isFailsafe = true
        return failsafe
    }

    private static func answer(_ endpoints: [Endpoint], count: Int, ttl: UInt32, isDegraded: Bool) -> PolicyAnswer {
        PolicyAnswer(selection: .weighted(endpoints.map(\.value), weights: endpoints.map(\.weight), count: min(count, endpoints.count)),
                     ttl: ttl, isDegraded: isDegraded)
    }
}
