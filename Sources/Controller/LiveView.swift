import AdminAPI
import Foundation
import Model
import Synchronization

/// What the controller is doing now, for readers on other threads (the admin API, the source service):
/// the control loop publishes after every step that changed something; probes publish their results as
/// they come.
final class LiveView: Sendable {
    struct Published: Sendable {
        var generation = 0
        var revision: String?
        var appliedAt: Timestamp?
        var checksum: String?
        /// The digest of the manifests known to be the live config.
        var digest: Int?
        var serving: [AdminAPI.Serving] = []
        var health = HealthTable()
        var since: [EndpointKey: Timestamp] = [:]
        var lastError: AdminAPI.ReconcileError?
        var targets: [EndpointKey] = []
        var notifiers: [String: Notifier] = [:]
        var zones: [AdminAPI.ZoneSerial] = []
    }

    private let published = Mutex(Published())
    private let lastResults = Mutex<[EndpointKey: ProbeResult]>([:])

    func publish(_ change: (inout Published) -> Void) { published.withLock { change(&$0) } }
    func record(_ result: ProbeResult, for key: EndpointKey) { lastResults.withLock { $0[key] = result } }
    var generation: Int { published.withLock { $0.generation } }
    var digest: Int? { published.withLock { $0.digest } }
    var notifiers: [String: Notifier] { published.withLock { $0.notifiers } }

    /// What the admin API shows, with the live config's manifests as `sources`.
    func state(sources: [SourceFile] = []) -> AdminAPI.State {
        let now = published.withLock { $0 }
        let results = lastResults.withLock { $0 }
        let health = now.targets.map { key in
            AdminAPI.EndpointHealth(monitor: key.monitor, endpoint: key.value.description,
                                    state: (now.health.states[key] ?? .unknown).rawValue,
                                    since: now.since[key]?.iso8601, lastResult: results[key]?.description)
        }
        return AdminAPI.State(generation: now.generation, revision: now.revision, appliedAt: now.appliedAt?.iso8601,
                              checksum: now.checksum, sources: sources, health: health, serving: now.serving, lastError: now.lastError,
                              zones: now.zones)
    }
}
