import AdminAPI
import Authority
import Foundation
import Hummingbird
import Logging
import Manifests
import Model
import NIOPosix
import Notify
import Server
import ServiceLifecycle
import Store

/// The admin API as a service (Hummingbird, stopped first on a graceful shutdown so that requests in
/// flight finish while the loop still runs). Applies are compiled here, off the loop, and queued on it.
struct AdminService: Service, CustomStringConvertible {
    struct Unavailable: Error, CustomStringConvertible {
        let reason: String
        var description: String { "the admin API could not listen: \(reason)" }
    }

    let host: String
    let port: Int
    let token: String
    let tls: AdminTLS?
    let backend: Backend
    let logger: Logger
    let listening: @Sendable (Int) -> Void

    /// What service-lifecycle logs: never the token.
    var description: String { "AdminService(\(host):\(port))" }

    func run() async throws {
        do {
            let application = try AdminRoutes.application(host: host, port: port, token: token, tls: tls, backend: backend,
                                                           logger: logger, onListening: listening)
            try await application.run()
        } catch {
            throw Unavailable(reason: "\(error)")
        }
    }

    /// The admin API's view of the controller.
    struct Backend: AdminBackend {
        let live: LiveView
        let store: Store
        let inbox: ControlInbox
        let keys: ZoneKeys
        let metrics: ControllerMetrics
        let snapshots: SnapshotReference
        let responses: @Sendable () -> [Int]
        let rateLimited: @Sendable () -> (dropped: Int, slipped: Int)
        /// Where signed zones' signatures are made and counted.
        let signatures: SignatureCache?

        func state(withSources: Bool) async throws -> AdminAPI.State {
            live.state(sources: withSources && live.generation > 0 ? try await store.latestSources() : [])
        }

        func apply(_ request: AdminAPI.ApplyRequest) async -> Result<AdminAPI.ApplyResult, ApplyFailure> {
            // Compiling a large config is seconds of CPU: on a thread of its own, not the concurrency pool.
            guard let candidate = try? await NIOThreadPool.singleton.runIfActive({
                var candidate = Candidate.compiling(request.sources, revision: request.revision)
                candidate.prepare(keys: keys)
                return candidate
            }) else { return .failure(.shuttingDown) }
            return await inbox.apply(ApplyRequest(candidate: candidate, baseGeneration: request.baseGeneration,
                                                  checksum: request.checksum, force: request.force))
        }

        func events(since: Int?, limit: Int) async throws -> AdminAPI.Events {
            let events = if let since { try await store.events(after: since, limit: limit) } else { try await store.latestEvents(limit: limit) }
            return AdminAPI.Events(events: events.map { event in
                AdminAPI.Event(sequence: event.sequence, id: event.id, time: Timestamp(date: event.time).iso8601, kind: event.kind,
                               subject: event.subject, summary: EventRecords.summary(event.body) + (event.held ? " (held for a summary)" : ""),
                               deliveries: event.deliveries.map {
                                   .init(notifier: $0.notifier, channel: $0.channel, state: $0.state, attempts: $0.attempts, lastError: $0.lastError,
                                         deliveredBy: $0.deliveredBy)
                               })
            })
        }

        func verdicts(since: VerdictCursor?) async throws -> AdminAPI.Verdicts? {
            guard live.fleet != nil else { return nil }
            let events = try await store.fleetEvents(kinds: FleetDelivery.kinds.sorted(), since: Date().addingTimeInterval(-3600))
            return live.verdicts(delivered: events.delivered, pending: events.pending, since: since)
        }

        func fleetToken() -> String? {
            live.fleet.flatMap { Secrets.read($0.fleet.token) }
        }

        func metrics() async -> String {
            let outbox = try? await store.outboxCounts()
            return metrics.text(responses: responses(), rateLimited: rateLimited(), policies: snapshots.load().policyQueryCounts(), outbox: outbox,
                                signatures: signatures?.counts ?? (0, 0))
        }
    }
}
