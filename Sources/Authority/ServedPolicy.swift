import DNSWire
import Model

/// A policy as served at its owner name: what it answers now, precomputed from the health table.
public struct ServedPolicy: Hashable, Sendable {
    public enum Answer: Hashable, Sendable {
        case fixed(PolicyAnswer)
        case geo(GeoAnswer)
    }

    /// `Kind/name`, for logs and events.
    public let subject: String
    public let type: PolicyRecordType
    public let answer: Answer

    /// Whether a query of `type` is this policy's to answer.
    func answers(_ queried: RRType) -> Bool {
        switch type {
        case .cname: true  // a CNAME owns its name for every type (RFC 1034 §3.6.2)
        case .a: queried == .a || queried == .any
        case .aaaa: queried == .aaaa || queried == .any
        case .alias: queried == .a || queried == .aaaa || queried == .any
        }
    }

    /// The answer for a client (geo by its address), and the Client Subnet scope that decided it.
    func current(for address: IPAddress?, geoip: GeoIPDatabase?) -> (answer: PolicyAnswer, scope: UInt8) {
        switch answer {
        case .fixed(let answer): (answer, 0)
        case .geo(let geo): geo.answer(for: address, geoip: geoip)
        }
    }

    /// The answer a secondary gets in a transfer: what every client gets, or the default region's.
    var transferAnswer: PolicyAnswer {
        switch answer {
        case .fixed(let answer): answer
        case .geo(let geo): geo.defaultAnswer
        }
    }

    /// Evaluates every policy of `state` in `zone` against `health`, keyed by owner name. `previous` is
    /// what each failover policy served before (tier and failback token), for manual failback.
    static func policies(of state: DesiredState, in zone: String, health: HealthTable,
                         previous: [String: FailoverMemory]) -> [Name: ServedPolicy] {
        var answers: [String: PolicyAnswer] = [:]
        var served: [Name: ServedPolicy] = [:]
        for policy in state.failoverPolicies {
            let memory = previous[policy.name]
            let stuck = memory?.token == policy.failbackToken ? memory?.tier : nil
            let answer = FailoverEvaluator.evaluate(policy, health: health, stuckTier: stuck)
            answers["FailoverPolicy/\(policy.name)"] = answer
            if policy.target.zone == zone {
                served[policy.target.owner] = ServedPolicy(subject: "FailoverPolicy/\(policy.name)", type: policy.target.type, answer: .fixed(answer))
            }
        }
        for policy in state.weightedPolicies {
            let answer = WeightedEvaluator.evaluate(policy, health: health)
            answers["WeightedPolicy/\(policy.name)"] = answer
            if policy.target.zone == zone {
                served[policy.target.owner] = ServedPolicy(subject: "WeightedPolicy/\(policy.name)", type: policy.target.type, answer: .fixed(answer))
            }
        }
        for policy in state.geoPolicies where policy.target.zone == zone {
            let geo = GeoEvaluator.evaluate(policy, health: health) { kind, name in answers["\(kind.rawValue)/\(name)"] }
            served[policy.target.owner] = ServedPolicy(subject: "GeoPolicy/\(policy.name)", type: policy.target.type, answer: .geo(geo))
        }
        return served
    }
}

/// What a failover policy served in the last snapshot, for manual failback.
public struct FailoverMemory: Hashable, Sendable {
    public let tier: Int?
    public let token: String?
}
