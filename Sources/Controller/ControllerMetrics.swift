import DNSWire
import Foundation
import Model
import Prometheus
import Synchronization

/// The controller's Prometheus metrics (`GET /metrics`, text format): DNS responses by RCODE, endpoint
/// health, failover events, reconcile runs by result with their duration, the live generation, drift,
/// store errors, the outbox, the last successful git fetch, DNSSEC signatures made and refused; in a
/// fleet, every location's verdict and each peer's freshness.
final class ControllerMetrics: Sendable {
    enum ReconcileResult: String, CaseIterable {
        case applied, unchanged, invalid, refused, stale, failed

        init(_ failure: ApplyFailure) {
            self = switch failure {
            case .invalid: .invalid
            case .refused: .refused
            case .stale, .checksumChanged: .stale
            case .store, .shuttingDown: .failed
            }
        }
    }

    private let registry: PrometheusCollectorRegistry
    private let generation: Gauge
    private let storeErrors: Counter
    private let drift: Counter
    private let gitLastFetch: Gauge
    private let outbox: [String: Gauge]
    private let reconcileRuns: [ReconcileResult: Counter]
    private let reconcileDuration: DurationHistogram
    /// RCODEs counted: the header's 16 and the extended ones up to BADCOOKIE (23).
    static let rcodes = 24
    private let responses: CaughtUpCounters
    private let rateLimited: CaughtUpCounters
    private let signatures: CaughtUpCounters
    private let endpoints = Mutex<[EndpointKey: Gauge]>([:])
    private let policyQueries = Mutex<[PolicyID: (counter: Counter, counted: Int)]>([:])
    /// The fleet as last published; its gauges are brought up to date when the metrics are read.
    private let fleetView = Mutex<FleetPublication?>(nil)
    private let fleetGauges = Mutex<[String: Gauge]>([:])

    init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        generation = registry.makeGauge(name: "switchyard_generation", help: "The live config generation (0: nothing applied).")
        storeErrors = registry.makeCounter(name: "switchyard_store_errors_total",
                                           help: "Store writes and reads that failed (each retry counts); writes are retried until they succeed.")
        drift = registry.makeCounter(name: "switchyard_drift_total",
                                     help: "Times the live config had been applied from elsewhere and the manifests were applied again.")
        gitLastFetch = registry.makeGauge(name: "switchyard_git_last_fetch_timestamp_seconds",
                                          help: "When the manifests' git checkout was last fetched and synced successfully (Unix time; 0: never).")
        outbox = Dictionary(uniqueKeysWithValues: ["pending", "failed"].map { state in
            (state, registry.makeGauge(name: "switchyard_outbox_deliveries", labels: [("state", state)],
                                       help: "Notification deliveries in the outbox: pending (to be sent or retried) and failed for good."))
        })
        reconcileRuns = Dictionary(uniqueKeysWithValues: ReconcileResult.allCases.map { result in
            (result, registry.makeCounter(name: "switchyard_reconcile_runs_total", labels: [("result", result.rawValue)],
                                          help: "Reconcile runs (manifests and admin API applies) by result."))
        })
        reconcileDuration = registry.makeDurationHistogram(
            name: "switchyard_reconcile_duration_seconds", labels: [],
            buckets: [.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                      .seconds(1), .seconds(2.5), .seconds(5), .seconds(10)],
            help: "Time to compile, plan and apply one reconcile.")
        responses = CaughtUpCounters((0..<Self.rcodes).map { code in
            let name = "\(RCode(rawValue: UInt16(code)))"
            return registry.makeCounter(name: "switchyard_dns_responses_total", labels: [("rcode", name)],
                                        help: "DNS responses sent, UDP and TCP, by RCODE.")
        })
        rateLimited = CaughtUpCounters(["dropped", "slipped"].map { action in
            registry.makeCounter(name: "switchyard_dns_rate_limited_total", labels: [("action", action)],
                                 help: "UDP responses that response rate limiting dropped, or sent truncated instead (slipped).")
        })
        signatures = CaughtUpCounters(["made", "refused"].map { outcome in
            registry.makeCounter(name: "switchyard_dnssec_signatures_total", labels: [("outcome", outcome)],
                                 help: "DNSSEC signatures made (zone versions and answers), and answers refused (SERVFAIL) because the second's budget of new signatures was spent.")
        })
        for kind in FailoverEvent.Kind.allCases { _ = failoverCounter(kind) }
    }

    func reconciled(_ result: ReconcileResult, in duration: Duration) {
        reconcileRuns[result]?.increment()
        reconcileDuration.record(duration)
    }

    /// The generation live now (set from the first moment, a restart included).
    func published(generation live: Int) { generation.set(Double(live)) }

    func storeError() { storeErrors.increment() }
    func drifted() { drift.increment() }
    func gitFetched(at time: Date) { gitLastFetch.set(time.timeIntervalSince1970) }

    func failover(_ kind: FailoverEvent.Kind) { failoverCounter(kind).increment() }

    /// One delivery attempt: `delivered`, `retry` or `failed` (for good).
    func notification(channel: String, result: String) {
        registry.makeCounter(name: "switchyard_notifications_total", labels: [("channel", channel), ("result", result)],
                             help: "Notification delivery attempts by channel and result.").increment()
    }

    /// A target's pass found something: `pushed`, `drift`, `failed` or `recovered`.
    func target(_ name: String, outcome: String) {
        registry.makeCounter(name: "switchyard_target_outcomes_total", labels: [("target", name), ("outcome", outcome)],
                             help: "What pushes to and read-backs of targets found, by target and outcome.").increment()
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

    func fleet(_ publication: FleetPublication?) { fleetView.withLock { $0 = publication } }

    /// `switchyard_verdict_up{monitor,endpoint,location}` (1 up, 0 down, -1 unknown; absent when the
    /// location's verdict is stale) and `switchyard_peer_fresh{node}`.
    private func updateFleetGauges() {
        guard let fleet = fleetView.withLock({ $0 }) else { return }
        var values: [String: (name: String, labels: [(String, String)], help: String, value: Double)] = [:]
        for (key, verdicts) in fleet.evidence {
            for verdict in verdicts where verdict.fresh {
                let labels = [("monitor", key.monitor), ("endpoint", key.value.description), ("location", verdict.location)]
                let value: Double = switch verdict.state {
                case .up: 1
                case .down: 0
                case .unknown: -1
                }
                values["v|\(key.monitor)|\(key.value)|\(verdict.location)"] = ("switchyard_verdict_up", labels,
                    "Each fleet location's own verdict on an endpoint: 1 up, 0 down, -1 unknown; absent while stale.", value)
            }
        }
        for peer in fleet.peers {
            values["p|\(peer.node.name)"] = ("switchyard_peer_fresh", [("node", peer.node.name)],
                                             "1 when the fleet peer's verdicts were pulled within the staleness bound.", peer.fresh ? 1 : 0)
        }
        fleetGauges.withLock { gauges in
            for (id, gauge) in gauges where values[id] == nil {
                registry.unregisterGauge(gauge)
                gauges[id] = nil
            }
            for (id, entry) in values {
                let gauge = gauges[id] ?? registry.makeGauge(name: entry.name, labels: entry.labels, help: entry.help)
                gauges[id] = gauge
                gauge.set(entry.value)
            }
        }
    }

    /// The exposition text, with the DNS response and per-policy query counts and the outbox (when it
    /// could be read) brought up to date first.
    func text(responses current: [Int], rateLimited limited: (dropped: Int, slipped: Int) = (0, 0), policies: [PolicyID: Int],
              outbox counts: [String: Int]?, signatures signed: (made: Int, refused: Int) = (0, 0)) -> String {
        updateFleetGauges()
        rateLimited.catchUp([limited.dropped, limited.slipped])
        signatures.catchUp([signed.made, signed.refused])
        policyQueries.withLock { known in
            for (policy, value) in policies {
                var entry = known[policy] ?? (registry.makeCounter(name: "switchyard_policy_queries_total",
                                                                   labels: [("policy", policy.description)],
                                                                   help: "Queries answered by each policy, UDP and TCP."), 0)
                // A policy removed and added again starts a new count.
                if value > entry.counted { entry.counter.increment(by: Int64(value - entry.counted)) }
                entry.counted = value
                known[policy] = entry
            }
        }
        if let counts {
            for (state, gauge) in outbox { gauge.set(Double(counts[state] ?? 0)) }
        }
        responses.catchUp(Array(current.prefix(Self.rcodes)))
        return registry.emitToString()
    }
}

/// Counters that follow running totals kept elsewhere (the server's, the signature cache's): each read
/// adds what the totals grew by since the last.
private final class CaughtUpCounters: Sendable {
    let counters: [Counter]
    let counted: Mutex<[Int]>

    init(_ counters: [Counter]) {
        self.counters = counters
        counted = Mutex([Int](repeating: 0, count: counters.count))
    }

    func catchUp(_ totals: [Int]) {
        counted.withLock { counted in
            for (index, value) in totals.enumerated() where index < counters.count && value > counted[index] {
                counters[index].increment(by: Int64(value - counted[index]))
                counted[index] = value
            }
        }
    }
}
