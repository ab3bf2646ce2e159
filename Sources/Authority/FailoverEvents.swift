import DNSWire
import Model

/// The failover events a health change caused: for each policy of one config whose served answer
/// differs between the snapshot before and the snapshot after, what kind of move it was.
///
/// | before                  | after                        | kind      |
/// |-------------------------|------------------------------|-----------|
/// | something healthy       | failsafe or NODATA           | allDown   |
/// | failsafe or NODATA      | something healthy            | recovered |
/// | tier k                  | tier j > k                   | failover  |
/// | tier k                  | tier j < k                   | failback  |
/// | same tier / no tiers    | an endpoint left the answer  | failover  |
/// | same tier / no tiers    | endpoints only joined        | failback  |
///
/// Geo policies report per region, and only for regions that answer with their own endpoints: a region
/// that uses another policy is reported by that policy, and a region that falls back to the default
/// region's answer is reported once, by the default region.
public enum FailoverEvents {
    public static func between(_ old: Snapshot, _ new: Snapshot, state: DesiredState, changes: [HealthChange],
                               time: Timestamp, makeID: () -> String) -> [FailoverEvent] {
        let before = old.servedPolicies()
        let after = new.servedPolicies()
        var events: [FailoverEvent] = []

        func emit(_ kind: FailoverEvent.Kind?, policy id: PolicyID, target: PolicyTarget, region: String? = nil,
                  before: ServedEndpoints, after: ServedEndpoints, endpoints: [Endpoint]) {
            guard let kind else { return }
            let keys = Set(endpoints.compactMap { endpoint in endpoint.monitor.map { EndpointKey(monitor: $0, value: endpoint.value) } })
            events.append(FailoverEvent(id: makeID(), kind: kind, policy: id, zone: target.zone, owner: target.owner,
                                        type: target.type, region: region, before: before, after: after,
                                        causes: changes.filter { keys.contains($0.endpoint) }, time: time))
        }

        for policy in state.failoverPolicies {
            guard let old = before[policy.id]?.fixedAnswer, let new = after[policy.id]?.fixedAnswer else { continue }
            let tierName = { (tier: Int?) in tier.flatMap { policy.tiers.indices.contains($0) ? policy.tiers[$0].name : nil } }
            emit(kind(from: old, to: new, tiered: true), policy: policy.id, target: policy.target,
                 before: served(old, tier: tierName(old.tier)), after: served(new, tier: tierName(new.tier)),
                 endpoints: policy.tiers.flatMap(\.endpoints))
        }
        for policy in state.weightedPolicies {
            guard let old = before[policy.id]?.fixedAnswer, let new = after[policy.id]?.fixedAnswer else { continue }
            emit(kind(from: old, to: new, tiered: false), policy: policy.id, target: policy.target,
                 before: served(old), after: served(new), endpoints: policy.endpoints)
        }
        for policy in state.geoPolicies {
            guard case .geo(let old)? = before[policy.id]?.answer, case .geo(let new)? = after[policy.id]?.answer,
                  old.regions.count == policy.regions.count, new.regions.count == policy.regions.count else { continue }
            for (index, region) in policy.regions.enumerated() {
                guard case .endpoints(let endpoints) = region.answer else { continue }
                let (was, now) = (old.regions[index], new.regions[index])
                if !region.isDefault, was.sameServed(as: old.defaultAnswer), now.sameServed(as: new.defaultAnswer) { continue }
                emit(kind(from: was, to: now, tiered: false), policy: policy.id, target: policy.target, region: region.name,
                     before: served(was), after: served(now), endpoints: endpoints)
            }
        }
        return events
    }

    /// The kind of move from `old` to `new`, or nil when what is served did not change.
    static func kind(from old: PolicyAnswer, to new: PolicyAnswer, tiered: Bool) -> FailoverEvent.Kind? {
        guard !old.sameServed(as: new) else { return nil }
        switch (old.isAllDown, new.isAllDown) {
        case (false, true): return .allDown
        case (true, false): return .recovered
        case (true, true): return nil  // still all down; the failsafe's set moved with the config
        case (false, false): break
        }
        if tiered, let was = old.tier, let now = new.tier, was != now {
            return now > was ? .failover : .failback
        }
        let remaining = Set(new.values)
        if old.values.contains(where: { !remaining.contains($0) }) { return .failover }
        return new.values.count > old.values.count ? .failback : nil
    }

    private static func served(_ answer: PolicyAnswer, tier: String? = nil) -> ServedEndpoints {
        ServedEndpoints(tier: tier, values: answer.values, isFailsafe: answer.isFailsafe)
    }
}

extension PolicyAnswer {
    /// Every endpoint the answer may serve.
    var values: [EndpointValue] {
        switch selection {
        case .all(let values), .weighted(let values, _, _): values
        case .nothing: []
        }
    }

    /// Nothing healthy: the failsafe or NODATA answers.
    var isAllDown: Bool { isFailsafe || values.isEmpty }

    /// The same endpoints, tier and failsafe state; TTL and degraded flags aside.
    func sameServed(as other: PolicyAnswer) -> Bool {
        selection == other.selection && tier == other.tier && isFailsafe == other.isFailsafe
    }
}

extension ServedPolicy {
    var fixedAnswer: PolicyAnswer? {
        if case .fixed(let answer) = answer { answer } else { nil }
    }
}

extension Snapshot {
    /// Every policy served, by identity.
    func servedPolicies() -> [PolicyID: ServedPolicy] {
        var result: [PolicyID: ServedPolicy] = [:]
        for zone in zones.values {
            for policy in zone.policies.values { result[policy.id] = policy }
        }
        return result
    }
}
