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
            var picked: [EndpointValue] = []
            picked.reserveCapacity(count)
            Self.draw(weights: weights, count: count, using: &random) { picked.append(values[$0]) }
            return picked
        }
    }

    /// Picks that `Picks` can hold: 8 endpoints out of at most 255.
    static let packableDraws = 8

    /// A weighted pick as the indices of the endpoints drawn, in order, one octet each (index + 1) from
    /// the lowest; 0 for the other selections. Nil when the pick is larger than `packableDraws`.
    func drawPacked(using random: inout some RandomNumberGenerator) -> UInt64? {
        guard case .weighted(let values, let weights, let count) = selection else { return 0 }
        guard count <= Self.packableDraws, values.count < 255 else { return nil }
        var packed: UInt64 = 0
        var shift: UInt64 = 0
        Self.draw(weights: weights, count: count, using: &random) { index in
            packed |= UInt64(index + 1) << shift
            shift += 8
        }
        return packed
    }

    /// The endpoints a packed pick names (all of them for the other selections).
    func values(packed: UInt64) -> [EndpointValue] {
        switch selection {
        case .all(let values): return values
        case .nothing: return []
        case .weighted(let values, _, _):
            var picked: [EndpointValue] = []
            var rest = packed
            while rest != 0, Int(rest & 0xFF) - 1 < values.count {
                picked.append(values[Int(rest & 0xFF) - 1])
                rest >>= 8
            }
            return picked
        }
    }

    /// Weighted sampling without replacement: pick, take out, repeat, handing `take` each index drawn.
    /// Taken-out endpoints are marked in a stack buffer, so a draw allocates nothing.
    private static func draw(weights: [Int], count: Int, using random: inout some RandomNumberGenerator, take: (Int) -> Void) {
        var total = weights.reduce(0, +)
        var drawn = 0
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: weights.count) { taken in
            taken.initialize(repeating: false)
            while drawn < count, total > 0 {
                var point = Int.random(in: 0..<total, using: &random)
                for index in weights.indices where !taken[index] {
                    if point < weights[index] {
                        take(index)
                        drawn += 1
                        total -= weights[index]
                        taken[index] = true
                        break
                    }
                    point -= weights[index]
                }
            }
        }
    }
}
