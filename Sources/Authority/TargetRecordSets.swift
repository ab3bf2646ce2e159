import DNSWire
import Model

extension Snapshot {
    /// What each target should hold: for every failover and weighted policy in a target's zone, the
    /// records a secondary of ours would be sent (the tier served now; every healthy endpoint of a
    /// weighted policy), or none when the policy serves nothing. Sorted by target, owner and type.
    static func targetRecordSets(_ state: DesiredState, policies byZone: [String: [Name: ServedPolicy]]) -> [TargetRecordSet] {
        state.targets.flatMap { target in
            (byZone[target.zoneReference] ?? [:]).compactMap { owner, policy -> TargetRecordSet? in
                let answer = policy.transferAnswer
                let type: RRType
                let data: [RData]
                switch policy.type {
                case .a, .aaaa:
                    type = policy.type == .a ? .a : .aaaa
                    data = answer.values.compactMap { PolicyTransfer.addressRecord($0, owner: owner, ttl: answer.ttl)?.data }
                        .filter { $0.type == type }
                case .cname:
                    type = .cname
                    data = answer.values.first.flatMap { if case .target(let name) = $0 { [RData.cname(name)] } else { nil } } ?? []
                case .alias:
                    return nil  // refused for target zones when the manifests are read
                }
                return TargetRecordSet(target: target.name, policy: policy.id, owner: owner, type: type, ttl: answer.ttl, data: data)
            }
        }.sorted { $0.key < $1.key }
    }
}

extension Snapshot {
    /// What each target should hold for `state` with `health`, without building the zones (for plans).
    public static func targetRecordSets(_ state: DesiredState, health: HealthTable) -> [TargetRecordSet] {
        state.targets.isEmpty ? [] : targetRecordSets(state, policies: ServedPolicy.evaluate(state, health: health, previous: [:]).byZone)
    }
}
