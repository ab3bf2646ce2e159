import DNSWire
import NIOConcurrencyHelpers

/// DNS cookies (RFC 7873), with server cookies as RFC 9018 makes them: version 1, three reserved
/// octets, a 32-bit timestamp, and SipHash-2-4 (keyed with a 128-bit secret) of the client cookie,
/// those eight octets and the client's address. A server cookie is valid for an hour from its
/// timestamp (five minutes ahead allowed) and under the current or the previous secret; secrets rotate
/// every `rotation`, so a cookie outlives one rotation. A client presenting a valid server cookie has
/// proved it receives at its address: it is exempt from rate limiting.
public final class ServerCookies: Sendable {
    public enum Check: Equatable, Sendable {
        /// No COOKIE option.
        case none
        /// A COOKIE option of a length RFC 7873 §5.2.2 does not allow: FORMERR.
        case malformed
        /// A client cookie, and a server cookie that is ours and fresh (`valid`) or not.
        case present(client: [UInt8], valid: Bool)
    }

    static let rotation: UInt64 = 3600

    private struct Secrets {
        var current: (UInt64, UInt64)
        var previous: (UInt64, UInt64)?
        var since: UInt64
    }

    private let secrets: NIOLockedValueBox<Secrets>

    public init(now: UInt64) {
        secrets = NIOLockedValueBox(Secrets(current: Self.randomKey(), previous: nil, since: now))
    }

    /// With a known secret (16 octets), for tests against RFC 9018's examples.
    init(secret: [UInt8], now: UInt64) {
        secrets = NIOLockedValueBox(Secrets(current: Self.key(secret), previous: nil, since: now))
    }

    /// A 16-octet secret as SipHash's two little-endian words.
    static func key(_ secret: [UInt8]) -> (UInt64, UInt64) {
        func word(_ offset: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(secret[offset + $1]) << (8 * UInt64($1)) } }
        return (word(0), word(8))
    }

    private static func randomKey() -> (UInt64, UInt64) {
        (UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max))
    }

    /// The two secrets valid at `now` (seconds since 1970), rotating first when it is time.
    private func keys(at now: UInt64) -> (current: (UInt64, UInt64), previous: (UInt64, UInt64)?) {
        secrets.withLockedValue { secrets in
            if now >= secrets.since + Self.rotation {
                secrets = Secrets(current: Self.randomKey(), previous: secrets.current, since: now)
            }
            return (secrets.current, secrets.previous)
        }
    }

    /// What the query's COOKIE option is.
    public func check(_ edns: EDNS?, client: IPAddress?, now: UInt64) -> Check {
        guard let option = edns?.option(.cookie) else { return .none }
        let data = option.data
        guard data.count == 8 || (16...40).contains(data.count) else { return .malformed }
        let clientCookie = Array(data[0..<8])
        guard data.count == 24, data[8] == 1, let client else { return .present(client: clientCookie, valid: false) }
        let timestamp = UInt32(data[12]) << 24 | UInt32(data[13]) << 16 | UInt32(data[14]) << 8 | UInt32(data[15])
        let age = Int64(now) - Int64(timestamp)
        guard age <= 3600, age >= -300 else { return .present(client: clientCookie, valid: false) }
        let keys = keys(at: now)
        let presented = Array(data[8..<16])
        let valid = [keys.current, keys.previous].compactMap { $0 }.contains { key in
            Self.serverCookie(client: clientCookie, header: presented, address: client, key: key) == Array(data[8..<24])
        }
        return .present(client: clientCookie, valid: valid)
    }

    /// The COOKIE option to answer with: the client cookie and a fresh server cookie for `client`.
    public func option(client clientCookie: [UInt8], address: IPAddress?, now: UInt64) -> EDNSOption {
        guard let address else { return EDNSOption(code: .cookie, data: clientCookie) }
        let time = UInt32(truncatingIfNeeded: now)
        let header: [UInt8] = [1, 0, 0, 0, UInt8(time >> 24), UInt8(time >> 16 & 0xFF), UInt8(time >> 8 & 0xFF), UInt8(time & 0xFF)]
        return EDNSOption(code: .cookie, data: clientCookie + Self.serverCookie(client: clientCookie, header: header, address: address,
                                                                                key: keys(at: now).current))
    }

    /// Version, reserved and timestamp (`header`, 8 octets) followed by the 8-octet hash.
    static func serverCookie(client: [UInt8], header: [UInt8], address: IPAddress, key: (UInt64, UInt64)) -> [UInt8] {
        let message = client + header + address.bytes
        let hash = SipHash24.hash(message, key: key)
        return header + (0..<8).map { UInt8(truncatingIfNeeded: hash >> (8 * UInt64($0))) }
    }
}

/// SipHash-2-4 (Aumasson and Bernstein), as RFC 9018 uses it: 64-bit output, little-endian throughout.
enum SipHash24 {
    static func hash(_ message: [UInt8], key: (UInt64, UInt64)) -> UInt64 {
        var v0: UInt64 = 0x736f_6d65_7073_6575 ^ key.0
        var v1: UInt64 = 0x646f_7261_6e64_6f6d ^ key.1
        var v2: UInt64 = 0x6c79_6765_6e65_7261 ^ key.0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ key.1

        func round() {
            v0 &+= v1; v1 = v1.rotatedLeft(13); v1 ^= v0; v0 = v0.rotatedLeft(32)
            v2 &+= v3; v3 = v3.rotatedLeft(16); v3 ^= v2
            v0 &+= v3; v3 = v3.rotatedLeft(21); v3 ^= v0
            v2 &+= v1; v1 = v1.rotatedLeft(17); v1 ^= v2; v2 = v2.rotatedLeft(32)
        }

        let whole = message.count / 8 * 8
        var index = 0
        while index < whole {
            var word: UInt64 = 0
            for byte in 0..<8 { word |= UInt64(message[index + byte]) << (8 * UInt64(byte)) }
            v3 ^= word
            round(); round()
            v0 ^= word
            index += 8
        }
        var last = UInt64(message.count & 0xFF) << 56
        for byte in 0..<(message.count - whole) { last |= UInt64(message[whole + byte]) << (8 * UInt64(byte)) }
        v3 ^= last
        round(); round()
        v0 ^= last
        v2 ^= 0xFF
        round(); round(); round(); round()
        return v0 ^ v1 ^ v2 ^ v3
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(_ count: UInt64) -> UInt64 { self << count | self >> (64 - count) }
}
