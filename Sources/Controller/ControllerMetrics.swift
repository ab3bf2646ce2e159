import DNSWire
import Model
import Prometheus
import Synchronization

/// The controller's Prometheus metrics (`GET /metrics`, text format): DNS responses by RCODE, endpoint
/// health, failover events, reconcile runs by result with their duration, and the live generation.
final class ControllerMetrics: Sendable {
    enum ReconcileResult: String, CaseIterable {
        case applied, unchanged, invalid, refused, stale, failed
    }

    private let registry: PrometheusCollectorRegistry
    private let generation: Gauge
    private let reconcileRuns: [ReconcileResult: Counter]
    private let reconcileDuration: DurationHistogram
    private let responses: [Counter]
    private let responsesCounted = Mutex([Int](repeating: 0, count: 16))
    private let endpoints = Mutex<[EndpointKey: Gauge]>([:])
    private let policyQueries = Mutex<[String: (counter: Counter, counted: Int)]>([:])

    init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        generation = registry.makeGauge(name: "switchyard_generation", help: "The live config generation (0: nothing applied).")
        reconcileRuns = Dictionary(uniqueKeysWithValues: ReconcileResult.allCases.map { result in
            (result, registry.makeCounter(name: "switchyard_reconcile_runs_total", labels: [("result", result.rawValue)],
                                          help: "Reconcile runs (manifests and admin API applies) by result."))
        })
        reconcileDuration = registry.makeDurationHistogram(
            name: "switchyard_reconcile_duration_seconds", labels: [],
            buckets: [.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                      .seconds(1), .seconds(2.5), .seconds(5), .seconds(10)],
            help: "Time to compile, plan and apply one reconcile.")
        responses = (0..<16).map { code in
            let name = "\(RCode(rawValue: UInt16(code)))"
            return registry.makeCounter(name: "switchyard_dns_responses_total", labels: [("rcode", name)],
                                        help: "DNS responses sent, UDP and TCP, by RCODE.")
        }
        for kind in FailoverEvent.Kind.allCases { _ = failoverCounter(kind) }
    }

    func reconciled(_ result: ReconcileResult, in duration: Duration, generation live: Int) {
        reconcileRuns[result]?.increment()
        reconcileDuration.record(duration)
        generation.set(Double(live))
    }

    func failover(_ kind: FailoverEvent.Kind) { failoverCounter(kind).increment() }

    /// One delivery attempt: `delivered`, `retry` or `failed` (for good).
    func notification(channel: String, result: String) {
        registry.makeCounter(name: "switchyard_notifications_total", labels: [("channel", channel), ("result", result)],
                             help: "Notification delivery attempts by channel and result.").increment()
    }

    private func failoverCounter(_ kind: FailoverEvent.Kind) -> Counter {
        registry.makeCounter(name: "switchyard_failover_events_total", labels: [("kind", kind.rawValue)],
                             help: "Changes of what a policy serves, by kind.")
    }

    /// Sets each endpoint's health: 1 up, 0 down, -1 unknown (not probed to a verdict yet).
    func health(_ table: HealthTable, targets: [EndpointKey]) {
        endpoints.withLock { gauges in
            let wanted = Set(targets)
            for (key, gauge) in gauges where !wanted.contains(key) {
                registry.unregisterGauge(gauge)
                gauges[key] = nil
            }
            for key in targets {
                let gauge = gauges[key] ?? registry.makeGauge(name: "switchyard_endpoint_up",
                                                              labels: [("monitor", key.monitor), ("endpoint", key.value.description)],
                                                              help: "Endpoint health: 1 up, 0 down, -1 unknown.")
                gauges[key] = gauge
                switch table.states[key] ?? .unknown {
                case .up: gauge.set(1.0)
                case .down: gauge.set(0.0)
                case .unknown: gauge.set(-1.0)
                }
            }
        }
    }

    /// The exposition text, with the DNS response and per-policy query counts brought up to date first.
    func text(responses current: [Int], policies: [String: Int]) -> String {
        policyQueries.withLock { known in
            for (subject, value) in policies {
                var entry = known[subject] ?? (registry.makeCounter(name: "switchyard_policy_queries_total", labels: [("policy", subject)],
                                                                    help: "Queries answered by each policy, UDP and TCP."), 0)
                // A policy removed and added again starts a new count.
                if value > entry.counted { entry.counter.increment(by: Int64(value - entry.counted)) }
                entry.counted = value
                known[subject] = entry
            }
        }
        responsesCounted.withLock { counted in
            for (index, value) in current.enumerated() where index < 16 && value > counted[index] {
                responses[index].increment(by: Int64(value - counted[index]))
                counted[index] = value
            }
        }
        return registry.emitToString()
    }
}
