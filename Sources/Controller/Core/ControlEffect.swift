import AdminAPI
import Authority
import DNSWire
import Model
import Monitor
import Store
import Targets

/// What the control core asks the loop to do. The core decides; the loop (`ControlLoop`) carries these
/// out, in order, and never decides anything itself.
enum ControlEffect: Sendable {
    /// Write a new generation to the store; the loop answers with `.committed`.
    case commit(Commit)
    /// Make this snapshot the one every query reads.
    case serve(Snapshot)
    /// Probe these endpoints (starting from `known` health where the monitor has none yet).
    case probe([ProbeTarget], known: [EndpointKey: HealthState])
    /// Write health, events and the end of holds durably, in order, retried until it succeeds.
    case record(Record)
    /// Send NOTIFY for these zones' new serials to their secondaries.
    case notify([ZoneNotify])
    /// What each target should hold now (`Snapshot.targetRecordSets`), for the target service to push.
    case push([Target], [TargetRecordSet])
    /// The TSIG keys of the live config: read their secrets and use them from now on.
    case keys([TSIGKey])
    /// Answer an admin API apply.
    case reply(RequestID, Result<AdminAPI.ApplyResult, ApplyFailure>)
    /// Ask the source service to read and compile the manifests now (they come back as `.manifests`).
    case readManifests
    /// Deliver `.retry` after this long, replacing any retry already scheduled.
    case requeue(after: Duration)
    /// Forget events older than this, once nothing waits on them.
    case prune(before: Timestamp)
    /// Something for people and for metrics: logged and counted, nothing more.
    case report(Report)
}

/// Where an apply came from.
enum Origin: Sendable, Equatable, CustomStringConvertible {
    /// The controller's own manifests directory.
    case manifests
    /// `POST /v1/apply`, waiting for its answer.
    case admin(RequestID)

    var description: String {
        switch self {
        case .manifests: "manifests"
        case .admin: "admin API"
        }
    }
}

/// A new generation to store; installed only once the store has it.
struct Commit: Sendable {
    var generation: Int
    var files: [SourceFile]
    var digest: Int
    var revision: String?
    var checksum: String
    var summary: String
    var desired: DesiredState
    var hostAddresses: [String: [IPAddress]]
    var signingKeys: [Name: ZoneSigningKey]
    var origin: Origin
    /// When this commit puts the manifests back over a config applied from elsewhere: the changes
    /// that undoes, as a plan names them (`~ Zone/example.com www A`).
    var drift: [String]?
}

/// One durable write of the core's bookkeeping.
struct Record: Sendable, Equatable {
    var health: [HealthChange] = []
    var events: [StoredEvent.New] = []
    /// Held events that a summary among `events` now covers.
    var summarized: [String] = []
    /// Zone versions these health changes (or an install) led to.
    var zones: [ZoneVersionRecord] = []

    var isEmpty: Bool { health.isEmpty && events.isEmpty && summarized.isEmpty && zones.isEmpty }
}

/// A zone whose serial changed, and who to tell.
struct ZoneNotify: Sendable, Equatable {
    var origin: Name
    var serial: UInt32
    var secondaries: [ResolvedSecondary]
}

/// What happened, for the log and the metrics.
enum Report: Sendable, Equatable {
    /// A new generation is live.
    case applied(generation: Int, revision: String?, summary: String, checksum: String, origin: Origin)
    /// The plan was empty: the live config already is the desired one.
    case unchanged(origin: Origin)
    /// An apply changed nothing. `first`: the manifests started failing, or fail differently now (admin
    /// API applies are always first: the caller gets each answer).
    case rejected(ApplyFailure, origin: Origin, first: Bool)
    /// The manifests apply again after failing.
    case recovered(generation: Int)
    /// A git fetch failed; `first` as above.
    case gitFailed(String, first: Bool)
    /// Git fetches work again.
    case gitRecovered
    /// The live config had been applied from elsewhere; the manifests were applied again over it.
    case drift(from: Int, to: Int, changes: [String])
    /// The manifests compile with warnings.
    case warnings([String])
    case health(HealthChange)
    /// In a fleet: this node's own verdict changed (effective health may or may not follow).
    case verdict(HealthChange)
    /// A fleet peer's verdicts could not be pulled (each distinct error once), or can again.
    case peerFailed(String, String)
    case peerRecovered(String)
    /// A change of what a policy serves; `held` when the flap guard holds it for a summary.
    case failover(FailoverEvent, held: Bool)
    /// A flapping policy's summary went out, covering this many held events.
    case summary(PolicyID, covering: Int)
    /// A secondary's host name resolves to other addresses than before (none: it gets nothing).
    case hostResolved(String, [IPAddress])
    /// What a target (by name) reported: a push, drift, a failure or its end.
    case target(String, TargetSync.Outcome)
}

// MARK: Labels

extension ControlEffect {
    /// One deterministic line naming the effect and its numbers, for tests that list what the core did.
    var label: String {
        switch self {
        case .commit(let commit):
            "commit generation \(commit.generation) from \(commit.origin) (\(commit.summary))" + (commit.drift.map { ", drift \($0.count)" } ?? "")
        case .serve(let snapshot):
            "serve " + snapshot.zones.values.sorted { $0.origin.description < $1.origin.description }.map { "\($0.origin) \($0.serial)" }.joined(separator: ", ")
        case .probe(let targets, _):
            "probe \(targets.count) endpoints"
        case .record(let record):
            "record " + (record.health.map { "health \($0.endpoint.monitor)/\($0.endpoint.value) \($0.to.rawValue)" }
                + record.events.map { "\($0.kind) \($0.subject)\($0.held ? " held" : "") → \($0.deliveries.count) deliveries" }
                + (record.summarized.isEmpty ? [] : ["\(record.summarized.count) summarized"])
                + record.zones.map { $0.removed ? "zone \($0.origin) removed" : "zone \($0.origin) \($0.serial)\($0.delta == nil ? " new" : "")" })
                .joined(separator: "; ")
        case .push(let targets, let sets):
            "push \(sets.count) RRsets to \(targets.count) targets"
        case .keys(let keys):
            "keys: " + (keys.isEmpty ? "none" : keys.map(\.name.description).joined(separator: ", "))
        case .notify(let zones):
            "notify " + zones.map { "\($0.origin) \($0.serial) to \($0.secondaries.count)" }.joined(separator: ", ")
        case .reply(let id, .success(let result)):
            "reply \(id): generation \(result.generation)\(result.changed ? "" : " unchanged")"
        case .reply(let id, .failure(let failure)):
            "reply \(id): \(failure.message)"
        case .readManifests:
            "read manifests"
        case .requeue(let delay):
            "requeue after \(delay)"
        case .prune(let before):
            "prune before \(before.millisecondsSince1970 / 1000)"
        case .report(let report):
            "report \(report.label)"
        }
    }
}

extension Report {
    var label: String {
        switch self {
        case .applied(let generation, _, let summary, _, let origin): "applied generation \(generation) from \(origin) (\(summary))"
        case .unchanged(let origin): "unchanged from \(origin)"
        case .rejected(let failure, let origin, let first): "rejected from \(origin)\(first ? "" : " again"): \(failure.message)"
        case .recovered(let generation): "recovered at generation \(generation)"
        case .gitFailed(let error, let first): "git failed\(first ? "" : " again"): \(error)"
        case .gitRecovered: "git recovered"
        case .drift(let from, let to, let changes): "drift \(from) → \(to): \(changes.joined(separator: "; "))"
        case .warnings(let warnings): "\(warnings.count) warnings"
        case .health(let change): "health \(change.endpoint.monitor)/\(change.endpoint.value) \(change.from.rawValue) → \(change.to.rawValue)"
        case .verdict(let change): "verdict \(change.endpoint.monitor)/\(change.endpoint.value) \(change.from.rawValue) → \(change.to.rawValue)"
        case .peerFailed(let node, let error): "peer \(node) failed: \(error)"
        case .peerRecovered(let node): "peer \(node) recovered"
        case .failover(let event, let held): "\(event.kind.rawValue) \(event.policy)\(held ? " held" : "")"
        case .summary(let policy, let covering): "summary \(policy) of \(covering)"
        case .hostResolved(let host, let addresses): "host \(host) → \(addresses.map(\.description).joined(separator: ", "))"
        case .target(let target, let outcome): "target \(target) \(outcome.label)"
        }
    }
}
