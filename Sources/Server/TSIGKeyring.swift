import Crypto
import DNSWire
import Synchronization

/// The TSIG keys this server knows, by name, each with its algorithm. Secrets come from the
/// controller's environment or files, never from manifests, logs or plans.
public struct TSIGKeyring: Sendable, Equatable {
    private let keys: [Name: Key]

    private struct Key: Sendable, Equatable {
        let algorithm: TSIGAlgorithm
        let secret: [UInt8]

        static func == (lhs: Key, rhs: Key) -> Bool { lhs.algorithm == rhs.algorithm && lhs.secret == rhs.secret }
    }

    public init(keys: [Name: (algorithm: TSIGAlgorithm, secret: [UInt8])] = [:]) {
        self.keys = keys.mapValues { Key(algorithm: $0.algorithm, secret: $0.secret) }
    }

    /// HMAC-SHA256 keys: how keys were given before algorithms could be chosen.
    public init(secrets: [Name: [UInt8]]) {
        self.init(keys: secrets.mapValues { (TSIGAlgorithm.hmacSHA256, $0) })
    }

    public var isEmpty: Bool { keys.isEmpty }

    /// The algorithm of the key named `name`, or nil for an unknown key.
    public func algorithm(of name: Name) -> TSIGAlgorithm? { keys[name]?.algorithm }

    /// The MAC of `data` with the key named `name` (its own algorithm), or nil for an unknown key.
    public func mac(_ data: [UInt8], key name: Name) -> [UInt8]? {
        guard let key = keys[name] else { return nil }
        let symmetric = SymmetricKey(data: key.secret)
        return switch key.algorithm {
        case .hmacSHA256: Array(HMAC<SHA256>.authenticationCode(for: data, using: symmetric))
        case .hmacSHA512: Array(HMAC<SHA512>.authenticationCode(for: data, using: symmetric))
        case .hmacSHA1: Array(HMAC<Insecure.SHA1>.authenticationCode(for: data, using: symmetric))
        }
    }

    /// True when `mac` is the MAC of `data` with the key named `name`, which must use `algorithm`;
    /// compared in constant time.
    public func verify(_ mac: [UInt8], of data: [UInt8], key name: Name, algorithm: TSIGAlgorithm) -> Bool {
        guard let key = keys[name], key.algorithm == algorithm else { return false }
        let symmetric = SymmetricKey(data: key.secret)
        return switch algorithm {
        case .hmacSHA256: HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: data, using: symmetric)
        case .hmacSHA512: HMAC<SHA512>.isValidAuthenticationCode(mac, authenticating: data, using: symmetric)
        case .hmacSHA1: HMAC<Insecure.SHA1>.isValidAuthenticationCode(mac, authenticating: data, using: symmetric)
        }
    }
}

/// Where the server finds the current keyring: replaced whole when keys are added, removed or rotated,
/// read for each signed message (rare next to plain queries, so a lock costs nothing that matters).
public final class TSIGKeyringReference: Sendable {
    private let current: Mutex<TSIGKeyring>

    public init(_ keyring: TSIGKeyring = TSIGKeyring()) {
        current = Mutex(keyring)
    }

    public func load() -> TSIGKeyring { current.withLock { $0 } }

    /// Replaces the keyring; returns whether it changed.
    @discardableResult
    public func store(_ keyring: TSIGKeyring) -> Bool {
        current.withLock { current in
            defer { current = keyring }
            return current != keyring
        }
    }
}
