import DNSWire
import Model
import Testing
@testable import Authority

/// The truth tables above the evaluators, row by row.
@Suite("Policy evaluation")
struct PolicyEvaluationTests {
    static let target = PolicyTarget(zone: "example.com", owner: try! Name("www.example.com."), type: .a, ttl: 60)

    static func endpoint(_ text: String, weight: Int = 1, monitored: Bool = true, enabled: Bool = true) -> Endpoint {
        Endpoint(value: .address(IPAddress(text)!), weight: weight, monitor: monitored ? "web" : nil, isEnabled: enabled)
    }

    static func health(down: [String] = [], up: [String] = []) -> HealthTable {
        var table = HealthTable()
        for text in down { table.set(.down, for: EndpointKey(monitor: "web", value: .address(IPAddress(text)!))) }
        for text in up { table.set(.up, for: EndpointKey(monitor: "web", value: .address(IPAddress(text)!))) }
        return table
    }

    static func values(_ texts: [String]) -> [EndpointValue] { texts.map { .address(IPAddress($0)!) } }

    static let failover = FailoverPolicy(name: "www", target: target, tiers: [
        .init(name: "primary", endpoints: [endpoint("192.0.2.1"), endpoint("192.0.2.2")]),
        .init(name: "secondary", endpoints: [endpoint("198.51.100.1"), endpoint("198.51.100.2", enabled: false)]),
    ])

    @Test func failoverTiers() {
        // Unknown counts as up: a fresh start serves the primary, not degraded.
        var answer = FailoverEvaluator.evaluate(Self.failover, health: .allUnknown)
        #expect(answer.selection == .all(Self.values(["192.0.2.1", "192.0.2.2"])))
        #expect(answer.tier == 0 && !answer.isDegraded && answer.ttl == 60)

        answer = FailoverEvaluator.evaluate(Self.failover, health: Self.health(down: ["192.0.2.2"]))
        #expect(answer.selection == .all(Self.values(["192.0.2.1"])))
        #expect(answer.tier == 0 && answer.isDegraded && answer.ttl == 30)

        answer = FailoverEvaluator.evaluate(Self.failover, health: Self.health(down: ["192.0.2.1", "192.0.2.2"]))
        #expect(answer.selection == .all(Self.values(["198.51.100.1"])))  // the disabled one is never served
        #expect(answer.tier == 1 && answer.isDegraded && !answer.isFailsafe)
    }

    @Test func failoverAllDown() {
        let allDown = Self.health(down: ["192.0.2.1", "192.0.2.2", "198.51.100.1"])
        var answer = FailoverEvaluator.evaluate(Self.failover, health: allDown)
        #expect(answer.selection == .all(Self.values(["192.0.2.1", "192.0.2.2"])))  // failsafe: the first tier, as if up
        #expect(answer.isFailsafe && answer.isDegraded && answer.tier == 0)

        var none = Self.failover
        none.whenAllDown = .none
        answer = FailoverEvaluator.evaluate(none, health: allDown)
        #expect(answer.selection == .nothing)

        // Failsafe never serves a disabled endpoint: a primary tier of only disabled ones is skipped.
        let disabledPrimary = FailoverPolicy(name: "d", target: Self.target, tiers: [
            .init(name: "primary", endpoints: [Self.endpoint("192.0.2.1", enabled: false)]),
            .init(name: "secondary", endpoints: [Self.endpoint("198.51.100.1")]),
        ])
        answer = FailoverEvaluator.evaluate(disabledPrimary, health: Self.health(down: ["198.51.100.1"]))
        #expect(answer.selection == .all(Self.values(["198.51.100.1"])))
        #expect(answer.tier == 1 && answer.isFailsafe)
    }

    @Test func degradedTTLHalvesWithAFloor() {
        #expect(PolicyAnswer.degradedTTL(60) == 30)
        #expect(PolicyAnswer.degradedTTL(7) == 5)
        #expect(PolicyAnswer.degradedTTL(3) == 3)  // never above the TTL itself
        #expect(PolicyAnswer.degradedTTL(0) == 0)
    }

    static let weighted = WeightedPolicy(name: "api", target: target, answers: 1, endpoints: [
        endpoint("192.0.2.1", weight: 90), endpoint("192.0.2.2", weight: 10), endpoint("192.0.2.3", weight: 0),
    ])

    @Test func weightedRows() {
        var answer = WeightedEvaluator.evaluate(Self.weighted, health: .allUnknown)
        #expect(answer.selection == .weighted(Self.values(["192.0.2.1", "192.0.2.2"]), weights: [90, 10], count: 1))
        #expect(!answer.isDegraded)

        answer = WeightedEvaluator.evaluate(Self.weighted, health: Self.health(down: ["192.0.2.1"]))
        #expect(answer.selection == .weighted(Self.values(["192.0.2.2"]), weights: [10], count: 1))
        #expect(answer.isDegraded)

        // Weight 0 serves only when no weighted endpoint is healthy.
        answer = WeightedEvaluator.evaluate(Self.weighted, health: Self.health(down: ["192.0.2.1", "192.0.2.2"]))
        #expect(answer.selection == .weighted(Self.values(["192.0.2.3"]), weights: [1], count: 1))

        let allDown = Self.health(down: ["192.0.2.1", "192.0.2.2", "192.0.2.3"])
        answer = WeightedEvaluator.evaluate(Self.weighted, health: allDown)
        #expect(answer.selection == .weighted(Self.values(["192.0.2.1", "192.0.2.2"]), weights: [90, 10], count: 1))
        #expect(answer.isFailsafe)
        var none = Self.weighted
        none.whenAllDown = .none
        #expect(WeightedEvaluator.evaluate(none, health: allDown).selection == .nothing)
    }

    @Test func weightedPicksFollowTheWeightsAndAreDistinct() {
        let answer = WeightedEvaluator.evaluate(Self.weighted, health: .allUnknown)
        var generator = SplitMix(seed: 7)
        var counts: [EndpointValue: Int] = [:]
        for _ in 0..<10_000 { counts[answer.pick(using: &generator)[0], default: 0] += 1 }
        let first = Double(counts[.address(IPAddress("192.0.2.1")!)] ?? 0)
        // 90% expected: 9000 with a standard deviation of 30; 8850...9150 is five of them.
        #expect(first > 8850 && first < 9150, "\(counts)")
        #expect(counts[.address(IPAddress("192.0.2.3")!)] == nil)

        var two = Self.weighted
        two.answers = 2
        let both = WeightedEvaluator.evaluate(two, health: .allUnknown)
        for _ in 0..<100 {
            let picked = both.pick(using: &generator)
            #expect(picked.count == 2 && Set(picked).count == 2)
        }
    }

    @Test func geoByNetworkWithFallbackAndUse() {
        let policy = GeoPolicy(name: "geo", target: Self.target, networks: [
            NamedNetwork(name: "office", prefixes: [CIDR("10.20.0.0/16")!, CIDR("2001:db8:20::/48")!]),
            NamedNetwork(name: "lab", prefixes: [CIDR("10.20.5.0/24")!]),
        ], regions: [
            .init(name: "office", networks: ["office"], answer: .endpoints([Self.endpoint("10.20.0.10")])),
            .init(name: "lab", networks: ["lab"], answer: .endpoints([Self.endpoint("10.20.5.10")])),
            .init(name: "europe", continents: ["EU"], answer: .use(PolicyID(.failover, "www"))),
            .init(name: "default", isDefault: true, answer: .endpoints([Self.endpoint("203.0.113.10")])),
        ])
        let used = FailoverEvaluator.evaluate(Self.failover, health: .allUnknown)
        let geo = GeoEvaluator.evaluate(policy, health: .allUnknown) { $0 == PolicyID(.failover, "www") ? used : nil }
        func served(_ address: String) -> ([EndpointValue], UInt8) {
            let (answer, scope) = geo.answer(for: IPAddress(address)!)
            guard case .all(let values) = answer.selection else { return ([], scope) }
            return (values, scope)
        }
        // The office's /16 less the lab's /24 inside it: 10.20.0.0/22 is the largest block of 10.20.1.1 without it.
        #expect(served("10.20.1.1") == (Self.values(["10.20.0.10"]), 22))
        #expect(served("10.20.200.1") == (Self.values(["10.20.0.10"]), 17))
        #expect(served("10.20.5.1") == (Self.values(["10.20.5.10"]), 24))  // the longest prefix wins
        #expect(served("2001:db8:20::5") == (Self.values(["10.20.0.10"]), 48))  // IPv6 networks too
        #expect(served("192.0.2.99") == (Self.values(["203.0.113.10"]), 1))  // no match: default, for all of 128.0.0.0/1
        #expect(served("10.21.0.1") == (Self.values(["203.0.113.10"]), 16))  // the /16 beside the office's
        #expect(geo.regions[2] == used)  // use: composition
        #expect(geo.answer(for: nil).answer == geo.defaultAnswer)

        // The office down: its clients get the default region's answer, degraded.
        let officeDown = GeoEvaluator.evaluate(policy, health: Self.health(down: ["10.20.0.10"])) { _ in used }
        let fallback = officeDown.answer(for: IPAddress("10.20.1.1")!).answer
        #expect(fallback.selection == .all(Self.values(["203.0.113.10"])))
        #expect(fallback.isDegraded && fallback.ttl == 30)
    }
}

/// A seeded generator so weighted picks are reproducible.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Prefix trie")
struct PrefixTrieTests {
    @Test func longestPrefixWinsAndTheFirstInsertKeepsAPrefix() {
        var trie = PrefixTrie()
        trie.insert(CIDR("10.0.0.0/8")!, value: 1)
        trie.insert(CIDR("10.20.0.0/16")!, value: 2)
        trie.insert(CIDR("10.20.5.0/24")!, value: 3)
        trie.insert(CIDR("10.20.0.0/16")!, value: 9)  // listed again by a later region: the first keeps it
        #expect(trie.longestMatch(IPAddress("10.20.5.1")!)! == (3, 24))
        #expect(trie.longestMatch(IPAddress("10.20.6.1")!)! == (2, 16))
        #expect(trie.longestMatch(IPAddress("10.99.0.1")!)! == (1, 8))
        #expect(trie.longestMatch(IPAddress("192.0.2.1")!) == nil)

        var six = PrefixTrie()
        six.insert(CIDR("2001:db8::/32")!, value: 1)
        six.insert(CIDR("2001:db8:20::/48")!, value: 2)
        six.insert(CIDR("2001:db8:20:0:8000::/65")!, value: 3)  // past the first 64 bits
        #expect(six.longestMatch(IPAddress("2001:db8:20::1")!)! == (2, 48))
        #expect(six.longestMatch(IPAddress("2001:db8:20:0:8000::1")!)! == (3, 65))
        #expect(six.longestMatch(IPAddress("2001:db8:99::1")!)! == (1, 32))
        var all = PrefixTrie()
        all.insert(CIDR("0.0.0.0/0")!, value: 5)
        #expect(all.longestMatch(IPAddress("203.0.113.1")!)! == (5, 0))
    }
}
