import DNSWire
import Model

/// One resolution inside our zones (RFC 1034 §4.3.2 for an authoritative server), collecting sections.
struct Lookup {
    let snapshot: Snapshot
    /// Where the client is, for geo policies: the Client Subnet address, else the source address.
    let location: IPAddress?
    var rcode: RCode = .noError
    var isAuthoritative = true
    var answers: [ResourceRecord] = []
    var authority: [ResourceRecord] = []
    var additional: [ResourceRecord] = []
    /// The Client Subnet scope: the prefix length that decided the answer, 0 when location did not.
    var scope: UInt8 = 0
    /// False once the answer depended on the client or on chance, so it must not be cached.
    var isCacheable = true
    /// The policy that answered (the first, when an ALIAS follows to another), for its query count.
    var policyCounter: PolicyQueryCounter? = nil
    /// How many policies' choices made the answer uncacheable, and the last with the choice made (nil
    /// when it cannot be told by index).
    var choiceCount = 0
    var choice: (policy: ServedPolicy, choice: AnswerChoice?)? = nil
    /// A choice to make again instead of drawing one: a packet cache rendering the response for it.
    let forced: AnswerChoice?
    /// What was not found, for a signed answer's denial of existence.
    var denial: Denial? = nil
    /// The query set DO: referrals from signed zones carry DS.
    let dnssecOK: Bool

    init(snapshot: Snapshot, location: IPAddress? = nil, forced: AnswerChoice? = nil, dnssecOK: Bool = false) {
        self.snapshot = snapshot
        self.dnssecOK = dnssecOK
        self.location = location
        self.forced = forced
    }

    mutating func resolve(_ name: Name, _ type: RRType, in zone: ZoneData, random: inout some RandomNumberGenerator) {
        var name = name
        var zone = zone
        var visited: Set<Name> = []
        for step in 0...Authority.maxCNAMEChain {
            // Below a zone cut the data is not ours: refer, unless already answering (then stop there).
            if let cut = zone.delegation(covering: name), !(type == .ds && cut.owner == name) {
                if step == 0 { refer(to: cut.owner, cut.node, in: zone) }
                return
            }
            if let policy = zone.policies[name], policy.answers(type) {
                let values = current(policy, random: &random)
                switch policy.type {
                case .a, .aaaa:
                    let records = values.answer.compactMap { addressRecord($0, owner: name, ttl: values.ttl) }
                    if records.isEmpty { deny(type, at: name, in: zone, within: values.ttl) } else { answers += records }
                    return
                case .alias:
                    // The target's addresses under this name (in-zone targets only, for now).
                    let wanted: [RRType] = type == .any ? [.a, .aaaa] : [type]
                    let records = values.answer.first.map { aliasRecords(target: $0, types: wanted, owner: name, ttl: values.ttl) } ?? []
                    if records.isEmpty { deny(type, at: name, in: zone, within: values.ttl) } else { answers += records }
                    return
                case .cname:
                    guard case .target(let target)? = values.answer.first else {
                        deny(type, at: name, in: zone, within: values.ttl)
                        return
                    }
                    answers.append(ResourceRecord(name: name, ttl: values.ttl, data: .cname(target)))
                    visited.insert(name)
                    guard type != .cname, type != .any, !visited.contains(target), let next = snapshot.zone(for: target) else { return }
                    name = target
                    zone = next
                    continue
                }
            }
            let node: Node
            if let exact = zone.node(name) {
                node = exact
            } else if let wildcard = wildcardNode(for: name, in: zone) {
                node = wildcard
            } else {
                rcode = .nameError
                authority = [zone.negativeSOA]
                denial = Denial(owner: name, zone: zone, types: nil)
                return
            }
            // CNAME: answer it and follow it, unless the CNAME itself (or ANY) was asked for. Wildcard
            // answers take the asked name as owner (RFC 4592 §3.3.1).
            if let cname = node.rrset(.cname), type != .cname, type != .any {
                answers += cname.records(owner: name)
                visited.insert(name)
                guard case .cname(let target) = cname.data[0], !visited.contains(target) else { return }
                guard let next = snapshot.zone(for: target) else { return }  // leaves our zones: the resolver goes on
                name = target
                zone = next
                continue
            }
            if type == .any {
                // RFC 8482 §4.1: one RRset is a complete answer to ANY.
                if let first = node.rrsets.first {  // sorted by type
                    answers += first.records(owner: name)
                } else {
                    deny(type, at: name, in: zone)
                }
                return
            }
            guard let rrset = node.rrset(type) else {
                deny(type, at: name, in: zone, node: node)  // NODATA
                return
            }
            // Most answers are one RRset: take its array rather than copying it into an empty one.
            if answers.isEmpty {
                answers = rrset.records(owner: name)
            } else {
                answers += rrset.records(owner: name)
            }
            addTargetAddresses(of: rrset.data)
            return
        }
    }

    /// NODATA for `type` at `name`: the SOA (no longer cached than `ttl`, a policy's), and what the name
    /// does hold for a signed answer's NSEC: its static types (a wildcard's, when `node` is one) and
    /// what an address or ALIAS policy there serves, never `type` (nor a CNAME policy, which answered
    /// nothing).
    private mutating func deny(_ type: RRType, at name: Name, in zone: ZoneData, node: Node? = nil, within ttl: UInt32? = nil) {
        authority = [ttl.map { negativeSOA(zone, within: $0) } ?? zone.negativeSOA]
        var types = (node ?? zone.node(name))?.rrsets.map(\.type) ?? []
        switch zone.policies[name]?.type {
        case .a?: types.append(.a)
        case .aaaa?: types.append(.aaaa)
        case .alias?: types += [.a, .aaaa]
        case .cname?, nil: break
        }
        denial = Denial(owner: name, zone: zone, types: types.filter { $0 != type })
    }

    /// The SOA of a negative answer at a policy's name: no longer cached than the policy's own answer
    /// would be, so resolvers ask again soon after the policy has something to give (RFC 2308 §5).
    private func negativeSOA(_ zone: ZoneData, within ttl: UInt32) -> ResourceRecord {
        var soa = zone.negativeSOA
        soa.ttl = min(soa.ttl, ttl)
        return soa
    }

    /// What `policy` serves this client now, noting when the answer depended on the client or on chance.
    private mutating func current(_ policy: ServedPolicy, random: inout some RandomNumberGenerator) -> (answer: [EndpointValue], ttl: UInt32) {
        if policyCounter == nil { policyCounter = policy.counter }
        let (answer, decidingScope, region) = policy.current(for: location, geoip: snapshot.geoip)
        var varies = false
        if case .geo = policy.answer {
            varies = true
            // Longer than the client's source prefix when a more specific network decides (RFC 7871
            // §7.2.1): the resolver asks again with a longer prefix rather than caching one answer for all.
            scope = max(scope, decidingScope)
        }
        if case .weighted(let values, _, let count) = answer.selection, values.count > count {
            varies = true
        }
        guard varies else { return (answer.pick(using: &random), answer.ttl) }
        isCacheable = false
        let picks = forced.flatMap { $0.policy == policy.id ? $0.picks : nil } ?? answer.drawPacked(using: &random)
        choiceCount += 1
        guard let picks else {
            choice = (policy, nil)
            return (answer.pick(using: &random), answer.ttl)
        }
        choice = (policy, AnswerChoice(policy: policy.id, region: region, picks: picks, scope: decidingScope))
        return (answer.values(packed: picks), answer.ttl)
    }

    private func addressRecord(_ value: EndpointValue, owner: Name, ttl: UInt32) -> ResourceRecord? {
        switch value {
        case .address(.v4(let address)): ResourceRecord(name: owner, ttl: ttl, data: .a(address))
        case .address(.v6(let address)): ResourceRecord(name: owner, ttl: ttl, data: .aaaa(address))
        case .target: nil
        }
    }

    /// The A/AAAA records an ALIAS answers with: the target's static records or its policy's answer,
    /// when the target is in a zone served here.
    private mutating func aliasRecords(target value: EndpointValue, types: [RRType], owner: Name, ttl: UInt32) -> [ResourceRecord] {
        guard case .target(let target) = value, let zone = snapshot.zone(for: target) else { return [] }
        var records: [ResourceRecord] = []
        for type in types {
            if let policy = zone.policies[target], policy.answers(type), policy.type == .a || policy.type == .aaaa {
                var random = SystemRandomNumberGenerator()  // ALIAS to a weighted policy: rare
                let values = current(policy, random: &random)
                records += values.answer.compactMap { addressRecord($0, owner: owner, ttl: min(ttl, values.ttl)) }
                    .filter { $0.type == type }
            } else if let rrset = zone.node(target)?.rrset(type) {
                records += rrset.data.map { ResourceRecord(name: owner, ttl: min(ttl, rrset.ttl), data: $0) }
            }
        }
        return records
    }

    /// The wildcard that covers `name`, which does not exist (RFC 4592 §3.3.1): `*.` prepended to the
    /// closest encloser, the longest existing ancestor. Nil when there is no such wildcard.
    private func wildcardNode(for name: Name, in zone: ZoneData) -> Node? {
        guard zone.hasWildcards else { return nil }
        var ancestor = name.parent
        while let candidate = ancestor, candidate.isSubdomain(of: zone.origin) {
            if candidate == zone.origin || zone.node(candidate) != nil {
                guard let source = try? candidate.prepending(label: [UInt8(ascii: "*")]) else { return nil }
                return zone.node(source)
            }
            ancestor = candidate.parent
        }
        return nil
    }

    /// A referral (RFC 1034 §4.3.2 step 3b): not authoritative, the cut's NS in authority, and the
    /// addresses of its name servers that we hold (glue) in additional.
    private mutating func refer(to cut: Name, _ node: Node, in zone: ZoneData) {
        isAuthoritative = false
        guard let ns = node.rrset(.ns) else { return }
        authority = ns.records(owner: cut)
        // A signed referral carries the child's DS (RFC 4035 §3.1.4), or proves it has none: our NSEC at
        // the cut, with NS and no DS.
        if let ds = node.rrset(.ds), dnssecOK, zone.signer != nil {
            authority += ds.records(owner: cut)
        } else if node.rrset(.ds) == nil {
            denial = Denial(owner: cut, zone: zone, types: node.rrsets.map(\.type))
        }
        addTargetAddresses(of: ns.data)
    }

    /// Additional-section processing (RFC 1035 §3.3): the A and AAAA records we hold for the names an NS,
    /// MX or SRV answer points to, glue below zone cuts included.
    private mutating func addTargetAddresses(of data: [RData]) {
        for item in data {
            let target: Name
            switch item {
            case .ns(let name): target = name
            case .mx(let mx): target = mx.exchange
            case .srv(let srv): target = srv.target
            default: continue
            }
            guard let zone = snapshot.zone(for: target), let node = zone.node(target) else { continue }
            for type in [RRType.a, .aaaa] {
                guard let rrset = node.rrset(type) else { continue }
                if !additional.contains(where: { $0.name == target && $0.type == type }) {
                    additional += rrset.records(owner: target)
                }
            }
        }
    }
}
