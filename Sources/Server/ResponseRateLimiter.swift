import Atomics
import DNSWire
import NIOConcurrencyHelpers

/// Response rate limiting (RRL) for UDP, as BIND's and NSD's: a spoofed flood aimed at a victim gets
/// few answers, so the server is a poor amplifier, while a real client that is limited can still get
/// through, because every `slip`-th dropped response goes out truncated and it retries over TCP.
///
/// Responses are counted per client network (/24 for IPv4, /56 for IPv6) and per answer: a positive
/// answer by its question (name, case-folded, and type), every error and NXDOMAIN of a network by its
/// RCODE alone, so a flood of random names shares one bucket. Each bucket refills at `rate` per second
/// and holds at most `rate`. Clients in `exempt` networks are never limited (the loopback networks by
/// default). TCP is not limited: its source addresses cannot be spoofed.
public final class ResponseRateLimiter: Sendable {
    public struct Settings: Sendable, Equatable {
        /// Responses per second per network and answer; 0 turns limiting off.
        public var rate: Int
        /// Every this many dropped responses, one goes out truncated instead; 0: none.
        public var slip: Int
        public var exempt: [Network]

        public struct Network: Sendable, Equatable {
            public var address: IPAddress
            public var prefixLength: UInt8

            public init(address: IPAddress, prefixLength: UInt8) {
                self.address = address.masked(to: prefixLength)
                self.prefixLength = prefixLength
            }

            func contains(_ candidate: IPAddress) -> Bool {
                switch (address, candidate) {
                case (.v4, .v4), (.v6, .v6): candidate.masked(to: prefixLength) == address
                default: false
                }
            }
        }

        public static let loopback = [Network(address: .v4(IPv4Address(0x7F00_0000)), prefixLength: 8),
                                      Network(address: .v6(IPv6Address(high: 0, low: 1)), prefixLength: 128)]

        public init(rate: Int = 200, slip: Int = 2, exempt: [Network] = Self.loopback) {
            self.rate = rate
            self.slip = slip
            self.exempt = exempt
        }
    }

    public enum Verdict: Equatable, Sendable {
        case send
        case drop
        /// Send a truncated response instead.
        case slip
    }

    private struct Key: Hashable {
        var network: UInt64
        var family: UInt8
        var answer: Int
    }

    private struct Bucket {
        var credit: Double
        var last: UInt64
        var dropped: Int
    }

    static let shardCount = 64
    /// Buckets a shard keeps; past it, the idle ones go (and if none are idle, all do).
    static let shardCapacity = 4096

    public let settings: Settings
    private let shards: [NIOLockedValueBox<[Key: Bucket]>]
    private let droppedCount = ManagedAtomic<Int>(0)
    private let slippedCount = ManagedAtomic<Int>(0)

    public init(settings: Settings) {
        self.settings = settings
        shards = (0..<Self.shardCount).map { _ in NIOLockedValueBox([:]) }
    }

    public var isEnabled: Bool { settings.rate > 0 }

    /// Responses dropped and sent truncated since start.
    public var counts: (dropped: Int, slipped: Int) {
        (droppedCount.load(ordering: .relaxed), slippedCount.load(ordering: .relaxed))
    }

    /// Whether to send `response` (wire bytes) to `client` at `now` (nanoseconds of a monotonic clock).
    public func check(_ response: UnsafeRawBufferPointer, client: IPAddress, now: UInt64) -> Verdict {
        guard isEnabled, response.count >= 12, !settings.exempt.contains(where: { $0.contains(client) }) else { return .send }
        let key: Key
        switch client {
        case .v4(let address): key = Key(network: UInt64(address.value >> 8), family: 4, answer: Self.answerKey(response))
        case .v6(let address): key = Key(network: address.high >> 8, family: 6, answer: Self.answerKey(response))
        }
        let rate = Double(settings.rate)
        let verdict = shards[abs(key.hashValue % Self.shardCount)].withLockedValue { buckets -> Verdict in
            var bucket = buckets[key] ?? Bucket(credit: rate, last: now, dropped: 0)
            if now > bucket.last {
                bucket.credit = min(rate, bucket.credit + Double(now - bucket.last) / 1e9 * rate)
                bucket.last = now
            }
            let verdict: Verdict
            if bucket.credit >= 1 {
                bucket.credit -= 1
                verdict = .send
            } else {
                bucket.dropped += 1
                verdict = settings.slip > 0 && bucket.dropped % settings.slip == 0 ? .slip : .drop
            }
            if buckets[key] == nil && buckets.count >= Self.shardCapacity { Self.evict(&buckets, now: now) }
            buckets[key] = bucket
            return verdict
        }
        switch verdict {
        case .send: break
        case .drop: droppedCount.wrappingIncrement(ordering: .relaxed)
        case .slip: slippedCount.wrappingIncrement(ordering: .relaxed)
        }
        return verdict
    }

    /// Forgets buckets idle for a second (they are full again by now); all of them when none is.
    private static func evict(_ buckets: inout [Key: Bucket], now: UInt64) {
        buckets = buckets.filter { now &- $0.value.last < 1_000_000_000 }
        if buckets.count >= shardCapacity { buckets.removeAll(keepingCapacity: true) }
    }

    /// A positive answer by its question (name case-folded, and type); any other response by its RCODE.
    static func answerKey(_ response: UnsafeRawBufferPointer) -> Int {
        let rcode = Int(response[3] & 0x0F)
        var hasher = Hasher()
        hasher.combine(rcode)
        guard rcode == 0, response[4] != 0 || response[5] != 0, let end = questionEnd(response) else { return hasher.finalize() }
        for index in 12..<end {
            let byte = response[index]
            hasher.combine(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        return hasher.finalize()
    }

    /// Where the first question (name, type and class) ends, or nil when it does not fit.
    static func questionEnd(_ message: UnsafeRawBufferPointer) -> Int? {
        var offset = 12
        while offset < message.count {
            let length = Int(message[offset])
            if length == 0 { return offset + 5 <= message.count ? offset + 5 : nil }
            guard length < 64 else { return nil }  // a question's name is never compressed here
            offset += 1 + length
        }
        return nil
    }

    /// The truncated response sent instead of a dropped one: the header with TC set and no records
    /// but the question, so the client retries over TCP.
    static func truncated(_ response: UnsafeRawBufferPointer) -> [UInt8] {
        let questions = response[4] != 0 || response[5] != 0
        let end = questions ? questionEnd(response) ?? 12 : 12
        var bytes = Array(response[0..<end])
        bytes[2] |= 0x02
        bytes[4] = 0
        bytes[5] = end > 12 ? 1 : 0
        for index in 6..<12 { bytes[index] = 0 }
        return bytes
    }
}
