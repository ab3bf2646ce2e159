import DNSWire
import Model

/// What a secondary is sent for each traffic policy: what a resolver without client information gets
/// now. Failover answers as they stand, a weighted policy's every healthy endpoint, a geo policy's
/// default region, CNAME as is, and ALIAS flattened into the A/AAAA records of its target (a policy's
/// answer or static records, in a zone served here), since ALIAS has no record type of its own.
struct PolicyTransfer {
    /// The contents of every zone being built, longest origin first, and their policies by zone name.
    let contents: [ZoneContent]
    let policies: [String: [Name: ServedPolicy]]

    init(contents: [ZoneContent], policies: [String: [Name: ServedPolicy]]) {
        self.contents = contents.sorted { $0.model.origin.labelCount > $1.model.origin.labelCount }
        self.policies = policies
    }

    /// The records for each policy owner of a zone, by owner.
    func records(for zonePolicies: [Name: ServedPolicy]) -> [Name: [ResourceRecord]] {
        var result: [Name: [ResourceRecord]] = [:]
        for (owner, policy) in zonePolicies {
            let records = records(owner: owner, policy: policy)
            if !records.isEmpty { result[owner] = records }
        }
        return result
    }

    private func records(owner: Name, policy: ServedPolicy) -> [ResourceRecord] {
        let answer = policy.transferAnswer
        switch policy.type {
        case .a, .aaaa:
            return answer.values.compactMap { Self.addressRecord($0, owner: owner, ttl: answer.ttl) }
        case .cname:
            guard case .target(let target)? = answer.values.first else { return [] }
            return [ResourceRecord(name: owner, ttl: answer.ttl, data: .cname(target))]
        case .alias:
            guard case .target(let target)? = answer.values.first else { return [] }
            return flattened(target: target, owner: owner, ttl: answer.ttl)
        }
    }

    /// The A and AAAA records at `target` (a policy's answer, else static records) under `owner`, with
    /// the smaller TTL; nothing when the target is not in a zone served here.
    private func flattened(target: Name, owner: Name, ttl: UInt32) -> [ResourceRecord] {
        guard let content = contents.first(where: { target.isSubdomain(of: $0.model.origin) }) else { return [] }
        if let policy = policies[content.model.name]?[target] {
            guard policy.type == .a || policy.type == .aaaa else { return [] }  // an ALIAS to an ALIAS or a CNAME: not followed
            let answer = policy.transferAnswer
            return answer.values.compactMap { Self.addressRecord($0, owner: owner, ttl: min(ttl, answer.ttl)) }
        }
        guard let node = content.nodes[target] else { return [] }
        return [RRType.a, .aaaa].flatMap { type in
            node.rrset(type).map { rrset in rrset.data.map { ResourceRecord(name: owner, ttl: min(ttl, rrset.ttl), data: $0) } } ?? []
        }
    }

    static func addressRecord(_ value: EndpointValue, owner: Name, ttl: UInt32) -> ResourceRecord? {
        switch value {
        case .address(.v4(let address)): ResourceRecord(name: owner, ttl: ttl, data: .a(address))
        case .address(.v6(let address)): ResourceRecord(name: owner, ttl: ttl, data: .aaaa(address))
        case .target: nil
        }
    }
}
