import DNSWire
import Foundation
import Logging
import Model
import Notify
import Server
import ServiceLifecycle
import Synchronization

/// The TSIG keys the config names, read from where each says (`env:NAME` or `file:/path`, the secret in
/// base64 as BIND's `secret "…"`) when the config changes and every few seconds after, so a key added
/// by an apply or a secret rotated in its file is used without a restart. The DNS server and NOTIFY read
/// the keyring it keeps current. A key whose secret cannot be read is logged by name (never by value)
/// and left out, so what needs it is refused.
final class KeyringService: Service, Sendable {
    static let rereadEvery: Duration = .seconds(2)

    let keyring: TSIGKeyringReference
    private let logger: Logger
    private let keys = Mutex<[TSIGKey]>([])
    private let missing = Mutex<Set<Name>>([])
    private let wake = WakeSignal()

    init(keyring: TSIGKeyringReference = TSIGKeyringReference(), logger: Logger) {
        self.keyring = keyring
        self.logger = logger
    }

    /// The keys of the config now live; read at once.
    func update(_ keys: [TSIGKey]) {
        self.keys.withLock { $0 = keys }
        reload()
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.wake.wait(upTo: Self.rereadEvery)
                self.reload()
            }
        }
    }

    /// Reads every key's secret and replaces the keyring when anything changed.
    private func reload() {
        var entries: [Name: (algorithm: TSIGAlgorithm, secret: [UInt8])] = [:]
        var unreadable: Set<Name> = []
        for key in keys.withLock({ $0 }) {
            guard let text = Secrets.read(key.secret),
                  let secret = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), !secret.isEmpty else {
                unreadable.insert(key.name)
                continue
            }
            entries[key.name] = (key.algorithm, [UInt8](secret))
        }
        let newlyMissing = missing.withLock { known in
            defer { known = unreadable }
            return unreadable.subtracting(known)
        }
        for name in newlyMissing.sorted(by: { $0.description < $1.description }) {
            let reference = keys.withLock { $0.first { $0.name == name }?.secret.description } ?? ""
            logger.error("TSIG key has no readable secret; transfers and NOTIFY that need it are refused",
                         metadata: ["key": "\(name)", "secret": "\(reference)"])
        }
        if keyring.store(TSIGKeyring(keys: entries)) {
            logger.info("TSIG keys loaded", metadata: ["keys": "\(entries.keys.map(\.description).sorted().joined(separator: ", "))"])
        }
    }
}
