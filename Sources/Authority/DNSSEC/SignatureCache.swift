import DNSWire
import Synchronization

/// RRSIGs made at query time, kept so each distinct RRset is signed once per validity window: shared by
/// every query thread and every snapshot (a health flip re-signs only what it changed), bounded in
/// entries, and with a budget of new signatures per second so a flood of distinct names (or of
/// distinct geo answers) cannot eat the CPU. Time comes from `clock` (seconds since 1970).
public final class SignatureCache: Sendable {
    public struct Limits: Sendable {
        /// How long a signature is valid for.
        public var validity: UInt32 = 7 * 86_400
        /// A cached signature with less than this left is made again.
        public var refreshBefore: UInt32 = 4 * 86_400
        /// Inception this far in the past, for validators whose clocks are behind.
        public var backdate: UInt32 = 3_600
        /// New signatures per second, across all threads; past it a query is refused (SERVFAIL).
        public var newPerSecond = 2_000
        /// Signatures kept; the cache is emptied when full (the budget bounds the refill).
        public var entries = 200_000

        public init() {}
    }

    struct Key: Hashable {
        /// The whole key, not its tag: a new key may have the old one's tag.
        let key: DNSKEY
        /// Compared and hashed without case, as names are.
        let owner: Name
        let type: RRType
        let ttl: UInt32
        let data: [RData]
    }

    private struct State {
        var signatures: [Key: RRSIG] = [:]
        var second: UInt32 = 0
        var madeThisSecond = 0
        var made = 0
        var refused = 0
    }

    public let limits: Limits
    private let clock: @Sendable () -> UInt32
    private let state = Mutex(State())

    public init(limits: Limits = Limits(), clock: @escaping @Sendable () -> UInt32) {
        self.limits = limits
        self.clock = clock
    }

    /// Signatures made, and queries refused because the budget of the second was spent.
    public var counts: (made: Int, refused: Int) {
        state.withLock { ($0.made, $0.refused) }
    }

    /// The RRSIG of the RRset `owner`/`type` holding `data` at `ttl`, signed by `key` for zone `signer`:
    /// the cached one while it has long enough left, else a new one; nil when the second's budget is
    /// spent. Owners are signed as they are asked (a wildcard's expansion as the name itself), so
    /// validators need no wildcard proof. A zone version being built signs with `now` (its build time)
    /// and no budget: what it signs is bounded by the config, not by queries.
    public func signature(owner: Name, type: RRType, ttl: UInt32, data: [RData], key: ZoneSigningKey, signer: Name,
                          now: UInt32? = nil) -> RRSIG? {
        let cacheKey = Key(key: key.dnskey, owner: owner, type: type, ttl: ttl, data: data)
        let budgeted = now == nil
        let now = now ?? clock()
        enum Found { case cached(RRSIG), make, refused }
        let found = state.withLock { state -> Found in
            if let cached = state.signatures[cacheKey], Int64(cached.expiration) - Int64(now) > Int64(limits.refreshBefore) {
                return .cached(cached)
            }
            guard budgeted else {
                state.made += 1
                return .make
            }
            if state.second != now {
                state.second = now
                state.madeThisSecond = 0
            }
            guard state.madeThisSecond < limits.newPerSecond else {
                state.refused += 1
                return .refused
            }
            state.madeThisSecond += 1
            state.made += 1
            return .make
        }
        switch found {
        case .cached(let signature): return signature
        case .refused: return nil
        case .make: break
        }
        // Signed outside the lock: other threads' cache hits do not wait for it.
        var signature = RRSIG(typeCovered: type, algorithm: key.algorithm, labels: UInt8(owner.labelCount - (owner.isWildcard ? 1 : 0)),
                              originalTTL: ttl, expiration: now &+ limits.validity, inception: now &- limits.backdate,
                              keyTag: key.keyTag, signer: signer)
        signature.signature = key.sign(signature.signedData(owner: owner, rdatas: data))
        state.withLock { state in
            if state.signatures.count >= limits.entries { state.signatures.removeAll(keepingCapacity: true) }
            state.signatures[cacheKey] = signature
        }
        return signature
    }
}
