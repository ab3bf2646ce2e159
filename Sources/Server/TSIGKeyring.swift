import Crypto
import DNSWire

/// The TSIG keys this server knows, by name. Secrets come from the controller's environment or files,
/// never from manifests, logs or plans.
public struct TSIGKeyring: Sendable {
    private let keys: [Name: SymmetricKey]

    public init(secrets: [Name: [UInt8]] = [:]) {
        keys = secrets.mapValues { SymmetricKey(data: $0) }
    }

    public var isEmpty: Bool { keys.isEmpty }

    /// True when a key named `name` is known.
    func contains(_ name: Name) -> Bool { keys[name] != nil }

    /// HMAC-SHA256 of `data` with the key named `name`, or nil for an unknown key.
    func mac(_ data: [UInt8], key name: Name) -> [UInt8]? {
        guard let key = keys[name] else { return nil }
        return Array(HMAC<SHA256>.authenticationCode(for: data, using: key))
    }

    /// True when `mac` is the HMAC-SHA256 of `data` with the key named `name`, compared in constant time.
    func verify(_ mac: [UInt8], of data: [UInt8], key name: Name) -> Bool {
        guard let key = keys[name] else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: data, using: key)
    }
}
