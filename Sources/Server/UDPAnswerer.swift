import Authority
import DNSWire
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Turns one UDP query into the response to send, written into the caller's buffer: from this thread's
/// packet cache when it can, else from `QueryResponder`; then rate limiting, then counting. One per UDP
/// thread, used by nothing else, so nothing here takes a lock.
///
/// The packet cache: the response to the same query bytes after the ID, from the same snapshot, is the
/// same, with the ID patched in. An answer that varies by one policy's choice (a weighted pick, a geo
/// region) keeps one response per choice: a query then costs the choice, not a whole answer. The cache is
/// emptied whenever the snapshot changes and when it is full. Answers carrying a cookie, signed ones and
/// those that vary in any other way are never kept.
struct UDPAnswerer {
    static let cacheLimit = 8192
    /// Responses kept for one query that varies; more choices than this are answered in full.
    static let choiceLimit = 64

    private final class Entry {
        let query: [UInt8]
        let policy: PolicyQueryCounter?
        let fixed: [UInt8]?
        let variation: AnswerVariation?
        var byChoice: [AnswerChoice: [UInt8]] = [:]
        /// Answers from this entry not yet added to the policy's shared counter: every UDP thread adding
        /// to one atomic per query made the cache line bounce between cores (failover answers cost three
        /// times a static one in user time).
        var uncounted = 0

        init(query: [UInt8], response: UDPResponse) {
            self.query = query
            policy = response.policy
            fixed = response.isCacheable ? response.bytes : nil
            variation = response.isCacheable ? nil : response.variation
            if let variation { byChoice[variation.made] = response.bytes }
        }
    }

    private let responder: QueryResponder
    private let counters: ResponseCounters
    private let limiter: ResponseRateLimiter
    /// Weighted picks: a fast generator owned by this thread, seeded from the system's.
    private var random = SplitMix64(seed: UInt64.random(in: .min ... .max))
    private var cache: [Int: Entry] = [:]
    /// The snapshot the cache was filled from. Held, not just identified: a freed snapshot's address
    /// can be reused by a newer one, which would make stale entries look current.
    private var cachedSnapshot: Snapshot? = nil

    init(responder: QueryResponder, counters: ResponseCounters, limiter: ResponseRateLimiter) {
        self.responder = responder
        self.counters = counters
        self.limiter = limiter
    }

    /// Answers `query` from `client` into `output`; returns the octets written, or nil when nothing is to
    /// be sent (not a query, dropped by rate limiting, or larger than `output`).
    mutating func answer(_ query: UnsafeRawBufferPointer, client: IPAddress?, into output: UnsafeMutableRawBufferPointer) -> Int? {
        guard query.count >= 12 else { return nil }
        let snapshot = responder.snapshots.load()
        if snapshot !== cachedSnapshot {
            emptyCache()
            cachedSnapshot = snapshot
        }
        let question = UnsafeRawBufferPointer(rebasing: query[2...])
        var hasher = Hasher()
        hasher.combine(bytes: question)
        let key = hasher.finalize()
        let info = ClientInfo(address: client, transport: .udp)
        var cached: [UInt8]? = nil
        var forced: AnswerChoice? = nil
        let entry = cache[key].flatMap { entry in
            entry.query.count == question.count
                && entry.query.withUnsafeBytes({ memcmp($0.baseAddress!, question.baseAddress!, question.count) }) == 0 ? entry : nil
        }
        if let entry {
            if let fixed = entry.fixed {
                cached = fixed
            } else if let variation = entry.variation {
                if let choice = variation.decide(client: client, random: &random) {
                    cached = entry.byChoice[choice]
                    if cached == nil { forced = choice }
                }
            }
        }
        var length: Int
        var hasValidCookie = false
        if let cached {
            guard cached.count <= output.count else { return nil }
            if let entry, entry.policy != nil { entry.uncounted += 1 }
            cached.withUnsafeBytes { output.copyMemory(from: $0) }
            output[0] = query[0]
            output[1] = query[1]
            length = cached.count
        } else {
            guard let response = responder.response(to: query, client: info, forced: forced, random: &random),
                  response.bytes.count <= output.count else { return nil }
            hasValidCookie = response.hasValidCookie
            response.policy?.increment()
            if let entry, let forced, entry.byChoice.count < Self.choiceLimit {
                entry.byChoice[forced] = response.bytes
            } else if entry == nil, response.isCacheable || response.variation != nil {
                if cache.count >= Self.cacheLimit { emptyCache() }
                cache[key] = Entry(query: Array(question), response: response)
            }
            response.bytes.withUnsafeBytes { output.copyMemory(from: $0) }
            length = response.bytes.count
        }
        // A valid server cookie proves the client receives at its address: nobody to amplify at.
        if limiter.isEnabled, !hasValidCookie, let client {
            let response = UnsafeRawBufferPointer(rebasing: output[..<length])
            switch limiter.check(response, client: client, now: NIODeadline.now().uptimeNanoseconds) {
            case .send: break
            case .drop: return nil
            case .slip:
                let truncated = ResponseRateLimiter.truncated(response)
                truncated.withUnsafeBytes { output.copyMemory(from: $0) }
                length = truncated.count
            }
        }
        counters.count(UnsafeRawBufferPointer(rebasing: output[..<length]))
        return length
    }

    /// Adds the answers the cache gave since the last time to each policy's shared counter. The UDP
    /// thread calls it about once a second, so the query counts lag by that much at most.
    func flushCounts() {
        for entry in cache.values where entry.uncounted > 0 {
            entry.policy?.increment(by: entry.uncounted)
            entry.uncounted = 0
        }
    }

    private mutating func emptyCache() {
        flushCounts()
        cache.removeAll(keepingCapacity: true)
    }
}
