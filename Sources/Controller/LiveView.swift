import Authority
import Foundation
import Model
import Store
import Synchronization

/// What the controller is doing now, for readers (the admin API) on other threads: the control loop
/// publishes after every change, probes publish their results as they come.
final class LiveView: Sendable {
    struct Applied: Sendable {
        var generation = 0
        var revision: String?
        var appliedAt: Date?
        var checksum: String?
        var serving: [AdminAPI.Serving] = []
        var health = HealthTable()
        var since: [EndpointKey: Date] = [:]
        var lastError: AdminAPI.ReconcileError?
        var targets: [EndpointKey] = []
        var notifiers: [String: Notifier] = [:]
    }

    private let applied = Mutex(Applied())
    private let lastResults = Mutex<[EndpointKey: ProbeResult]>([:])

    func update(_ change: (inout Applied) -> Void) { applied.withLock { change(&$0) } }
    func record(_ result: ProbeResult, for key: EndpointKey) { lastResults.withLock { $0[key] = result } }
    var generation: Int { applied.withLock { $0.generation } }
    var notifiers: [String: Notifier] { applied.withLock { $0.notifiers } }

    /// What the admin API shows; the manifests come from `sources` (the store), read only when asked.
    func state(sources: () -> [SourceFile] = { [] }) -> AdminAPI.State {
        let now = applied.withLock { $0 }
        let results = lastResults.withLock { $0 }
        let health = now.targets.map { key in
            AdminAPI.EndpointHealth(monitor: key.monitor, endpoint: key.value.description,
                                    state: (now.health.states[key] ?? .unknown).rawValue,
                                    since: now.since[key].map(AdminAPI.iso8601), lastResult: results[key]?.description)
        }
        return AdminAPI.State(generation: now.generation, revision: now.revision, appliedAt: now.appliedAt.map(AdminAPI.iso8601),
                              checksum: now.checksum, sources: now.generation > 0 ? sources() : [], health: health, serving: now.serving,
                              lastError: now.lastError)
    }
}
