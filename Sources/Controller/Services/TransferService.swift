import DNSWire
import Logging
import Model
import Server
import ServiceLifecycle
import Synchronization

/// NOTIFY fan-out: every secondary of a changed zone is told at once, in parallel, each signed with the
/// secondary's TSIG key when it has one and retried with doubling waits (`NotifySender`). A newer serial
/// for the same zone and secondary replaces a NOTIFY still being retried; a graceful shutdown stops them.
final class TransferService: Service, Sendable {
    private struct Key: Hashable {
        var zone: Name
        var address: IPAddress
        var port: UInt16
    }

    private let sender: NotifySender
    private let keyring: TSIGKeyringReference
    private let logger: Logger
    private let sending = Mutex<[Key: Task<Void, Never>]>([:])

    init(sender: NotifySender, keyring: TSIGKeyringReference, logger: Logger) {
        self.sender = sender
        self.keyring = keyring
        self.logger = logger
    }

    /// Tells every secondary of each zone its new serial.
    func notify(_ zones: [ZoneNotify]) {
        for zone in zones {
            logger.info("zone serial", metadata: ["zone": "\(zone.origin)", "serial": "\(zone.serial)"])
            for secondary in zone.secondaries {
                let key = Key(zone: zone.origin, address: secondary.address, port: secondary.port)
                let (sender, keyring) = (sender, keyring)
                let task = Task {
                    _ = await sender.notify(origin: zone.origin, serial: zone.serial, secondary: (secondary.address, secondary.port),
                                            key: secondary.key.map { ($0.name, keyring) })
                }
                sending.withLock { sending in
                    sending[key]?.cancel()
                    sending[key] = task
                }
            }
        }
    }

    func run() async throws {
        try? await gracefulShutdown()
        let tasks = sending.withLock { sending in
            defer { sending = [:] }
            return Array(sending.values)
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
