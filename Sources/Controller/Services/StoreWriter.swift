import DequeModule
import Foundation
import Logging
import Model
import ServiceLifecycle
import Store
import Synchronization

/// Writes the controller's bookkeeping to the store, off the control loop, in the order it was asked,
/// each write retried with backoff until it succeeds: a slow or full disk delays the record of a
/// failover, never the failover. Failures are counted (`switchyard_store_errors_total`) and logged once
/// per distinct error. A write's `then` runs only once it is stored, which is how the notifier knows an
/// attempt is recorded before it may send that delivery again.
final class StoreWriter: Service, Sendable {
    enum Write: Sendable {
        case record(Record)
        case attempt(id: Int64, delivered: Bool, error: String?, next: Date?)
        /// In a fleet: the delivery waits for a peer, or a peer made it.
        case postpone(id: Int64, until: Date)
        case deliveredBy(id: Int64, node: String)
    }

    private struct Pending: Sendable {
        var write: Write
        var then: (@Sendable () -> Void)?
    }

    static let retry = Backoff(first: .milliseconds(250), maximum: .seconds(10))

    private let store: Store
    private let metrics: ControllerMetrics
    private let logger: Logger
    private let queue = Mutex<Deque<Pending>>([])
    private let wake = WakeSignal()

    init(store: Store, metrics: ControllerMetrics, logger: Logger) {
        self.store = store
        self.metrics = metrics
        self.logger = logger
    }

    /// Queues `write`; `then` runs after it is stored.
    func enqueue(_ write: Write, then: (@Sendable () -> Void)? = nil) {
        queue.withLock { $0.append(Pending(write: write, then: then)) }
        wake.signal()
    }

    /// Writes a new generation now, once: an apply that cannot be stored is answered (or requeued by the
    /// loop), not retried here.
    func commit(_ commit: Commit) async -> Result<Int, StoreFailure> {
        do {
            return .success(try await store.apply(sources: commit.files, revision: commit.revision, checksum: commit.checksum,
                                                  summary: commit.summary, expectedGeneration: commit.generation - 1))
        } catch {
            metrics.storeError()  // the loop reports it, once per distinct failure
            return .failure(StoreFailure(message: "\(error)"))
        }
    }

    /// Forgets old events; a failure waits for the next pruning.
    func prune(before time: Timestamp) {
        Task {
            do {
                let removed = try await store.prune(before: time.date)
                if removed > 0 { logger.info("old events pruned", metadata: ["events": "\(removed)"]) }
            } catch {
                metrics.storeError()
                logger.warning("old events could not be pruned", metadata: ["error": "\(error)"])
            }
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.drain() }
        // The loop and the notifier stopped before this service: one last pass for what they queued, in
        // a task of its own (this one is cancelled).
        let left = await Task { await self.drain(once: true) }.value
        if left > 0 {
            logger.warning("writes not stored at shutdown; their health changes and events are found again after a restart",
                           metadata: ["writes": "\(left)"])
        }
    }

    /// Writes what is queued, oldest first. Returns how many writes are left (only when `once`, after the
    /// first failure; otherwise it retries until cancelled).
    @discardableResult
    private func drain(once: Bool = false) async -> Int {
        var failures = 0
        var lastError: String?
        while !Task.isCancelled || once {
            guard let head = queue.withLock({ $0.first }) else {
                if once { return 0 }
                await wake.wait()
                continue
            }
            do {
                try await write(head.write)
                queue.withLock { _ = $0.popFirst() }
                head.then?()
                if lastError != nil { logger.notice("the store takes writes again", metadata: ["failed attempts": "\(failures)"]) }
                (failures, lastError) = (0, nil)
            } catch is CancellationError {
                break
            } catch {
                metrics.storeError()
                failures += 1
                let text = "\(error)"
                if text != lastError {
                    logger.error("the store could not record health, events or deliveries; retrying with backoff",
                                 metadata: ["error": "\(text)", "queued": "\(queue.withLock { $0.count })"])
                    lastError = text
                }
                if once { return queue.withLock { $0.count } }
                try? await Task.sleep(for: Self.retry.delay(afterFailures: failures))
            }
        }
        return queue.withLock { $0.count }
    }

    private func write(_ write: Write) async throws {
        switch write {
        case .record(let record):
            try await store.record(health: record.health, events: record.events, summarized: record.summarized, zones: record.zones)
        case .attempt(let id, let delivered, let error, let next):
            try await store.recordAttempt(id, delivered: delivered, error: error, next: next)
        case .postpone(let id, let until):
            try await store.postpone(id, until: until)
        case .deliveredBy(let id, let node):
            try await store.recordDelivered(id, by: node)
        }
    }
}
