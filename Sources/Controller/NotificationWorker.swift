import Dispatch
import Foundation
import Logging
import Model
import Notify
import Store
import Synchronization

/// Delivers the outbox: every 200 ms, each due delivery goes out on a worker thread of its own (a slow or
/// dead receiver holds only its own), and its outcome is recorded — delivered, retried later with
/// backoff, or failed for good once the event is older than the retry policy allows. Deliveries live
/// in the store, so a restart resumes them: at least once, the event id as the idempotency key.
final class NotificationWorker: Sendable {
    private let store: Store
    private let live: LiveView
    private let retry: RetryPolicy
    private let metrics: ControllerMetrics
    private let logger: Logger
    private let inFlight = Mutex<Set<Int64>>([])

    init(store: Store, live: LiveView, retry: RetryPolicy, metrics: ControllerMetrics, logger: Logger) {
        self.store = store
        self.live = live
        self.retry = retry
        self.metrics = metrics
        self.logger = logger
    }

    /// Runs until the task is cancelled; deliveries already started finish on their threads.
    func run() async {
        while !Task.isCancelled {
            startDue()
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    private func startDue() {
        let due: [PendingDelivery]
        do {
            due = try store.dueDeliveries(at: Date(), limit: 64, excluding: inFlight.withLock { $0 })
        } catch {
            logger.error("the outbox cannot be read", metadata: ["error": "\(error)"])
            return
        }
        let notifiers = live.notifiers
        for delivery in due where inFlight.withLock({ $0.insert(delivery.id).inserted }) {
            DispatchQueue.global().async { [self] in
                defer { _ = inFlight.withLock { $0.remove(delivery.id) } }
                guard let notifier = notifiers[delivery.notifier] else {
                    record(delivery, error: "notifier \(delivery.notifier) is no longer configured", retrying: false)
                    return
                }
                let error = Deliverer.deliver(kind: delivery.kind, eventID: delivery.eventId, body: delivery.body,
                                              channel: delivery.channel, to: notifier)
                record(delivery, error: error, retrying: true)
            }
        }
    }

    private func record(_ delivery: PendingDelivery, error: String?, retrying: Bool) {
        var random = SystemRandomNumberGenerator()
        let next = error == nil || !retrying ? nil
            : retry.nextAttempt(after: delivery.attempts, eventTime: delivery.eventTime, now: Date(), random: &random)
        let metadata: Logger.Metadata = ["event": "\(delivery.eventId)", "kind": "\(delivery.kind)", "notifier": "\(delivery.notifier)",
                                         "channel": "\(delivery.channel)", "attempt": "\(delivery.attempts + 1)"]
        if let error {
            logger.warning(next == nil ? "notification failed for good" : "notification failed; will retry",
                           metadata: metadata.merging(["error": "\(error)", "next": "\(next.map(AdminAPI.iso8601) ?? "-")"]) { $1 })
        } else {
            logger.info("notification delivered", metadata: metadata)
        }
        metrics.notification(channel: delivery.channel, result: error == nil ? "delivered" : next == nil ? "failed" : "retry")
        do {
            try store.recordAttempt(delivery.id, delivered: error == nil, error: error, next: next)
        } catch {
            logger.error("the outbox cannot be updated", metadata: ["error": "\(error)"])
        }
    }
}
