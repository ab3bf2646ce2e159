import DNSWire
import Model

/// What a policy serves right now, computed once per config or health change so a query only looks it
/// up (and, for weighted policies, makes one random pick).
public struct PolicyAnswer: Hashable, Sendable {
    public enum Selection: Hashable, Sendable {
        /// Every one of these endpoints.
        case all([EndpointValue])
        /// `count` distinct endpoints picked at random in proportion to `weights`.
        case weighted([EndpointValue], weights: [Int], count: Int)
        /// NODATA: nothing may be served.
        case nothing
    }

    public var selection: Selection
    /// The TTL to answer with: the policy's, halved (at least 5 s) while degraded.
    public var ttl: UInt32
    /// Some endpoint is down, a lower tier is serving, or the failsafe is engaged.
    public var isDegraded: Bool
    /// Failover: the tier serving (0 = primary), nil when none is.
    public var tier: Int?
    /// Nothing was healthy and `whenAllDown: failsafe` answered as if everything enabled were up.
    public var isFailsafe: Bool

    /// The TTL for `ttl` while degraded: half, but not under 5 s (nor above the TTL itself).
    static func degradedTTL(_ ttl: UInt32) -> UInt32 {
        max(ttl / 2, min(5, ttl))
    }

    init(selection: Selection, ttl: UInt32, isDegraded: Bool, tier: Int? = nil, isFailsafe: Bool = false) {
        self.selection = selection
        self.ttl = isDegraded ? Self.degradedTTL(ttl) : ttl
        self.isDegraded = isDegraded
        self.tier = tier
        self.isFailsafe = isFailsafe
    }

    /// The endpoints to answer one query with; `random` makes the weighted pick.
    public func pick(using random: inout some RandomNumberGenerator) -> [EndpointValue] {
        switch selection {
        case .all(let values):
            return values
        case .nothing:
            return []
        case .weighted(let values, let weights, let count):
            // Weighted sampling without replacement: pick, take out, repeat. Taken-out endpoints are
            // marked in a stack buffer, so a query allocates nothing but its answer.
            var total = weights.reduce(0, +)
            var picked: [EndpointValue] = []
            picked.reserveCapacity(count)
            withUnsafeTemporaryAllocation(of: Bool.self, capacity: values.count) { taken in
                taken.initialize(repeating: false)
                while picked.count < count, total > 0 {
                    var point = Int.random(in: 0..<total, using: &random)
                    for index in values.indices where !taken[index] {
                        if point < weights[index] {
                            picked.append(values[index])
                            total -= weights[index]
                            taken[index] = true
                            break
                        }
                        point -= weights[index]
                    }
                }
            }
            return picked
        }
    }
}
