import Foundation
import Logging
import Model
import NIOPosix
import Notify
import ServiceLifecycle
import Store
import Synchronization

/// Delivers the outbox. It looks when woken (new rows were written, a delivery finished) and otherwise
/// only when the next retry is due: no polling. Each delivery is one blocking libcurl transfer on a
/// small thread pool, at most `perReceiver` at a time for one notifier channel, so a slow or dead
/// receiver holds only its own. A delivery stays out of the due list from the moment it is sent until
/// its outcome is stored, so an outcome that cannot be recorded (a full disk) never sends it again.
final class NotificationService: Service, Sendable {
    struct Settings: Sendable {
        var retry: RetryPolicy
        var perReceiver = 2
        var threads = 8
        /// How many due deliveries are read at a time.
        var batch = 64
    }

    private let settings: Settings
    private let store: Store
    private let writer: StoreWriter
    private let notifiers: @Sendable () -> [String: Notifier]
    /// In a fleet: who sends what (`FleetDelivery`).
    private let fleet: @Sendable () -> FleetPublication?
    private let metrics: ControllerMetrics
    private let logger: Logger
    private let wakeSignal = WakeSignal()
    /// Sending, or sent with the outcome not stored yet.
    private let busy = Mutex<Set<Int64>>([])
    /// Transfers running per notifier channel.
    private let running = Mutex<[DeliveryTarget: Int]>([:])

    init(settings: Settings, store: Store, writer: StoreWriter, notifiers: @escaping @Sendable () -> [String: Notifier],
         fleet: @escaping @Sendable () -> FleetPublication? = { nil }, metrics: ControllerMetrics, logger: Logger) {
        self.fleet = fleet
        self.settings = settings
        self.store = store
        self.writer = writer
        self.notifiers = notifiers
        self.metrics = metrics
        self.logger = logger
    }

    /// Look at the outbox now: rows were written or a delivery finished.
    func wake() { wakeSignal.signal() }

    func run() async throws {
        let pool = NIOThreadPool(numberOfThreads: settings.threads)
        pool.start()
        await cancelWhenGracefulShutdown { await self.deliverUntilCancelled(on: pool) }
        // Transfers already started finish (each within its timeout); their outcomes go to the writer.
        try? await pool.shutdownGracefully()
    }

    private func deliverUntilCancelled(on pool: NIOThreadPool) async {
        var failures = 0
        while !Task.isCancelled {
            do {
                // Receivers at their limit are left out (a finished delivery wakes us for them), so a dead
                // receiver's backlog neither fills the batch nor keeps the next wake-up at "now".
                let due = try await store.dueDeliveries(at: Date(), limit: settings.batch, excluding: busy.withLock { $0 },
                                                        skipping: saturated())
                for delivery in due { start(delivery, on: pool) }
                failures = 0
                if let next = try await store.nextDeliveryTime(excluding: busy.withLock { $0 }, skipping: saturated()) {
                    await wakeSignal.wait(upTo: .milliseconds(max(0, Int64(next.timeIntervalSinceNow * 1000)) + 1))
                } else {
                    await wakeSignal.wait()
                }
            } catch {
                failures += 1
                metrics.storeError()
                if failures == 1 { logger.error("the outbox cannot be read", metadata: ["error": "\(error)"]) }
                await wakeSignal.wait(upTo: StoreWriter.retry.delay(afterFailures: failures))
            }
        }
    }

    /// The receivers at their limit now.
    private func saturated() -> Set<DeliveryTarget> {
        running.withLock { Set($0.filter { $0.value >= settings.perReceiver }.keys) }
    }

    /// Starts `delivery` unless its receiver is at its limit (or it is already being sent).
    private func start(_ delivery: PendingDelivery, on pool: NIOThreadPool) {
        let admitted = running.withLock { running in
            guard running[delivery.target, default: 0] < settings.perReceiver else { return false }
            running[delivery.target, default: 0] += 1
            return true
        }
        guard admitted else { return }
        guard busy.withLock({ $0.insert(delivery.id).inserted }) else {
            running.withLock { $0[delivery.target, default: 1] -= 1 }
            return
        }
        switch FleetDelivery.decide(eventID: delivery.eventId, kind: delivery.kind, eventTime: delivery.eventTime, now: Date(), fleet: fleet()) {
        case .send:
            break
        case .wait(let until):
            running.withLock { $0[delivery.target, default: 1] -= 1 }
            writer.enqueue(.postpone(id: delivery.id, until: until)) { [self] in
                _ = busy.withLock { $0.remove(delivery.id) }
                wakeSignal.signal()
            }
            return
        case .deliveredBy(let node):
            running.withLock { $0[delivery.target, default: 1] -= 1 }
            logger.info("notification delivered by another fleet node", metadata: [
                "event": "\(delivery.eventId)", "kind": "\(delivery.kind)", "notifier": "\(delivery.target.notifier)",
                "channel": "\(delivery.target.channel)", "node": "\(node)"])
            metrics.notification(channel: delivery.target.channel, result: "peer")
            writer.enqueue(.deliveredBy(id: delivery.id, node: node)) { [self] in
                _ = busy.withLock { $0.remove(delivery.id) }
                wakeSignal.signal()
            }
            return
        }
        let notifier = notifiers()[delivery.target.notifier]
        pool.submit { [self] state in
            if case .cancelled = state {  // never sent: due again after a restart, as it was
                running.withLock { $0[delivery.target, default: 1] -= 1 }
                _ = busy.withLock { $0.remove(delivery.id) }
                return
            }
            let error: String?
            var retrying = true
            if let notifier {
                error = Deliverer.deliver(kind: delivery.kind, eventID: delivery.eventId, body: delivery.body,
                                          channel: delivery.target.channel, to: notifier)
            } else {
                error = "notifier \(delivery.target.notifier) is no longer configured"
                retrying = false
            }
            running.withLock { $0[delivery.target, default: 1] -= 1 }
            finish(delivery, error: error, retrying: retrying)
            wakeSignal.signal()
        }
    }

    /// Logs and counts the outcome, and queues it for the store; the delivery may be due again only
    /// once that is stored.
    private func finish(_ delivery: PendingDelivery, error: String?, retrying: Bool) {
        var random = SystemRandomNumberGenerator()
        let next = error == nil || !retrying ? nil
            : settings.retry.nextAttempt(after: delivery.attempts, eventTime: delivery.eventTime, now: Date(), random: &random)
        let metadata: Logger.Metadata = ["event": "\(delivery.eventId)", "kind": "\(delivery.kind)", "notifier": "\(delivery.target.notifier)",
                                         "channel": "\(delivery.target.channel)", "attempt": "\(delivery.attempts + 1)"]
        if let error {
            logger.warning(next == nil ? "notification failed for good" : "notification failed; will retry",
                           metadata: metadata.merging(["error": "\(error)", "next": "\(next.map { Timestamp(date: $0).iso8601 } ?? "-")"]) { $1 })
        } else {
            logger.info("notification delivered", metadata: metadata)
        }
        metrics.notification(channel: delivery.target.channel, result: error == nil ? "delivered" : next == nil ? "failed" : "retry")
        writer.enqueue(.attempt(id: delivery.id, delivered: error == nil, error: error, next: next)) { [self] in
            _ = busy.withLock { $0.remove(delivery.id) }
            wakeSignal.signal()
        }
    }
}
