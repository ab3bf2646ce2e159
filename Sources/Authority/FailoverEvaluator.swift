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
/// Disabled endpoints are never served, not even by the failsafe. (`failback: manual` needs the tier
/// served before; it is carried between snapshots when policies are served.)
enum FailoverEvaluator {
    static func evaluate(_ policy: FailoverPolicy, health: HealthTable) -> PolicyAnswer {
        let ttl = policy.target.ttl
        let anyDown = policy.tiers.contains { $0.endpoints.contains { $0.isEnabled && !health.state(of: $0).isServable } }
        for (index, tier) in policy.tiers.enumerated() {
            let healthy = tier.endpoints.filter { $0.isEnabled && health.state(of: $0).isServable }
            if !healthy.isEmpty {
                return PolicyAnswer(selection: .all(healthy.map(\.value)), ttl: ttl, isDegraded: index > 0 || anyDown, tier: index)
            }
        }
        guard policy.whenAllDown == .failsafe,
              let index = policy.tiers.firstIndex(where: { $0.endpoints.contains(where: \.isEnabled) }) else {
            return PolicyAnswer(selection: .nothing, ttl: ttl, isDegraded: true)
        }
        let enabled = policy.tiers[index].endpoints.filter(\.isEnabled).map(\.value)
        return PolicyAnswer(selection: .all(enabled), ttl: ttl, isDegraded: true, tier: index, isFailsafe: true)
    }
}
