import Model

/// Which tier a failover policy serves, from the health table.
///
/// An endpoint is *healthy* when it is enabled and not down (unknown counts as up; one without a
/// monitor is always up). Truth table:
///
/// | first tier with a healthy endpoint | whenAllDown | serves                                        | degraded                    |
/// |------------------------------------|-------------|-----------------------------------------------|-----------------------------|
/// | tier 0                             | —           | tier 0's healthy endpoints                    | when an enabled one is down |
/// | tier k > 0                         | —           | tier k's healthy endpoints                    | yes                         |
/// | none                               | failsafe    | the first tier with an enabled endpoint, all of its enabled endpoints | yes |
/// | none                               | none        | NODATA                                        | yes                         |
///
/// Disabled endpoints are never served, not even by the failsafe.
///
/// `failback: manual`: when the policy last served a lower tier (`stuckTier`, carried from the previous
/// snapshot while `failbackToken` is unchanged) and that tier is still healthy, it keeps serving it
/// even though a higher tier has recovered. Changing `failbackToken` in git releases it.
enum FailoverEvaluator {
    static func evaluate(_ policy: FailoverPolicy, health: HealthTable, stuckTier: Int? = nil) -> PolicyAnswer {
        let ttl = policy.target.ttl
        let anyDown = policy.tiers.contains { $0.endpoints.contains { $0.isEnabled && !health.state(of: $0).isServable } }
        let healthyByTier = policy.tiers.map { $0.endpoints.filter { $0.isEnabled && health.state(of: $0).isServable } }
        if policy.failback == .manual, let stuck = stuckTier, stuck > 0, stuck < policy.tiers.count, !healthyByTier[stuck].isEmpty,
           let best = healthyByTier.firstIndex(where: { !$0.isEmpty }), best < stuck {
            return PolicyAnswer(selection: .all(healthyByTier[stuck].map(\.value)), ttl: ttl, isDegraded: true, tier: stuck)
        }
        for (index, healthy) in healthyByTier.enumerated() where !healthy.isEmpty {
            return PolicyAnswer(selection: .all(healthy.map(\.value)), ttl: ttl, isDegraded: index > 0 || anyDown, tier: index)
        }
        guard policy.whenAllDown == .failsafe,
              let index = policy.tiers.firstIndex(where: { $0.endpoints.contains(where: \.isEnabled) }) else {
            return PolicyAnswer(selection: .nothing, ttl: ttl, isDegraded: true)
        }
        let enabled = policy.tiers[index].endpoints.filter(\.isEnabled).map(\.value)
        return PolicyAnswer(selection: .all(enabled), ttl: ttl, isDegraded: true, tier: index, isFailsafe: true)
    }
}
