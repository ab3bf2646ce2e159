import DNSWire
import Model

/// A policy as served at its owner name: what it answers now, precomputed from the health table.
public struct ServedPolicy: Hashable, Sendable {
    public enum Answer: Hashable, Sendable {
        case fixed(PolicyAnswer)
        case geo(GeoAnswer)
    }

    public let id: PolicyID
    public let type: PolicyRecordType
    public let answer: Answer
    /// Queries answered by this policy; not part of its identity.
    public let counter: PolicyQueryCounter

    init(id: PolicyID, type: PolicyRecordType, answer: Answer, counters: [PolicyID: PolicyQueryCounter]) {
        self.id = id
        self.type = type
        self.answer = answer
        counter = counters[id] ?? PolicyQueryCounter(policy: id)
    }

    public static func == (lhs: ServedPolicy, rhs: ServedPolicy) -> Bool {
        lhs.id == rhs.id && lhs.type == rhs.type && lhs.answer == rhs.answer
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(type)
        hasher.combine(answer)
    }

    /// Whether a query of `type` is this policy's to answer.
    func answers(_ queried: RRType) -> Bool {
        switch type {
        case .cname: true  // a CNAME owns its name for every type (RFC 1034 §3.6.2)
        case .a: queried == .a || queried == .any
        case .aaaa: queried == .aaaa || queried == .any
        case .alias: queried == .a || queried == .aaaa || queried == .any
        }
    }

    /// The answer for a client (geo by its address), the Client Subnet scope that decided it, and which
    /// answer it is (the geo region's index, -1 for the default or a policy that is not geo).
    func current(for address: IPAddress?, geoip: GeoIPDatabase?) -> (answer: PolicyAnswer, scope: UInt8, region: Int) {
        switch answer {
        case .fixed(let answer):
            return (answer, 0, -1)
        case .geo(let geo):
            let (region, scope) = geo.region(for: address, geoip: geoip)
            return (region.map { geo.regions[$0] } ?? geo.defaultAnswer, scope, region ?? -1)
        }
    }

    /// The answer a secondary gets in a transfer: what every client gets, or the default region's.
    var transferAnswer: PolicyAnswer {
        switch answer {
        case .fixed(let answer): answer
        case .geo(let geo): geo.defaultAnswer
        }
    }

    /// Evaluates every policy of `state` against `health`, once: the served policies by zone name and
    /// owner, and what each failover policy serves now (tier and failback token) for the next build.
    /// `previous` is that memory from the last build, for manual failback.
    static func evaluate(_ state: DesiredState, health: HealthTable, previous: [String: FailoverMemory],
                         counters: [PolicyID: PolicyQueryCounter] = [:])
        -> (byZone: [String: [Name: ServedPolicy]], memory: [String: FailoverMemory]) {
        var answers: [PolicyID: PolicyAnswer] = [:]
        var byZone: [String: [Name: ServedPolicy]] = [:]
        var memory: [String: FailoverMemory] = [:]
        for policy in state.failoverPolicies {
            let earlier = previous[policy.name]
            let stuck = earlier?.token == policy.failbackToken ? earlier?.tier : nil
            let answer = FailoverEvaluator.evaluate(policy, health: health, stuckTier: stuck)
            answers[policy.id] = answer
            memory[policy.name] = FailoverMemory(tier: answer.tier, token: policy.failbackToken)
            byZone[policy.target.zone, default: [:]][policy.target.owner] =
                ServedPolicy(id: policy.id, type: policy.target.type, answer: .fixed(answer), counters: counters)
        }
        for policy in state.weightedPolicies {
            let answer = WeightedEvaluator.evaluate(policy, health: health)
            answers[policy.id] = answer
            byZone[policy.target.zone, default: [:]][policy.target.owner] =
                ServedPolicy(id: policy.id, type: policy.target.type, answer: .fixed(answer), counters: counters)
        }
        for policy in state.geoPolicies {
            let geo = GeoEvaluator.evaluate(policy, health: health) { answers[$0] }
            byZone[policy.target.zone, default: [:]][policy.target.owner] =
                ServedPolicy(id: policy.id, type: policy.target.type, answer: .geo(geo), counters: counters)
        }
        return (byZone, memory)
    }
}

/// What a failover policy served in the last snapshot, for manual failback.
public struct FailoverMemory: Hashable, Sendable {
    public let tier: Int?
    public let token: String?
}
