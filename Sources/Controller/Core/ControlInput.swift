import Authority
import DNSWire
import Model
import Monitor
import Targets

/// What the control loop reacts to, one at a time. Inputs come from the services (the source, the
/// monitor, the admin API), from the loop's own effects finishing (`committed`), and from its timers.
enum ControlInput: Sendable {
    /// The manifests, read and compiled off the loop.
    case manifests(Candidate)
    /// The manifests were read and are byte for byte the live config's (`digest`), so they were not
    /// compiled again.
    case manifestsUnchanged(digest: Int)
    /// A git fetch of the manifests' checkout finished.
    case git(GitOutcome)
    case health(HealthUpdate)
    /// A round of pulls of the fleet peers' verdicts finished.
    case fleet(FleetRound)
    /// `POST /v1/apply`; the answer goes back as `.reply(id, …)`.
    case apply(RequestID, ApplyRequest)
    /// The store finished writing the generation of the commit in flight: its number, or why not.
    case committed(Result<Int, StoreFailure>)
    /// The requeue timer came due: try the failed manifests again.
    case retry
    /// The clock moved on (once a second): what is due by time happens here (drift, summaries, pruning).
    case tick
    /// A target (by name) pushed, drifted, failed or recovered.
    case target(String, TargetSync.Outcome)
}

extension ControlInput {
    /// The input's kind, for logs.
    var name: String {
        switch self {
        case .manifests: "manifests"
        case .manifestsUnchanged: "manifestsUnchanged"
        case .git: "git"
        case .health: "health"
        case .fleet: "fleet"
        case .apply(let id, _): "apply \(id)"
        case .committed: "committed"
        case .retry: "retry"
        case .tick: "tick"
        case .target: "target"
        }
    }
}

/// Identifies one admin API apply waiting for its answer.
typealias RequestID = Int

/// Manifests read and compiled off the loop: where every apply starts.
struct Candidate: Sendable {
    var files: [SourceFile]
    /// `SourceFile.digest(files)`.
    var digest: Int
    /// The git commit the files are at, when they are a checkout.
    var revision: String?
    var compiled: Compiled
    /// The addresses of secondaries given by host name, resolved when the manifests were read.
    var hostAddresses: [String: [IPAddress]] = [:]
    /// The signing key of each signed zone, loaded (or generated) when the manifests were read.
    var signingKeys: [Name: ZoneSigningKey] = [:]

    enum Compiled: Sendable {
        case valid(DesiredState, warnings: [String])
        /// Every error, `file:line:column: …`.
        case invalid([String])
    }

    init(files: [SourceFile], revision: String?, compiled: Compiled) {
        self.files = files
        digest = SourceFile.digest(files)
        self.revision = revision
        self.compiled = compiled
    }
}

/// An apply from the admin API: the manifests, and what the plan that was reviewed was made against.
struct ApplyRequest: Sendable {
    var candidate: Candidate
    /// The generation the plan was made against: a newer live one refuses the apply.
    var baseGeneration: Int
    /// When set, the plan computed now must have exactly this checksum.
    var checksum: String?
    var force: Bool
}

/// How a git fetch (and fast-forward or reset) went.
enum GitOutcome: Sendable, Equatable {
    /// The checkout is at `revision` now.
    case fetched(revision: String?)
    /// Why not, with credentials already removed from any URL.
    case failed(String)
}

/// Why the store could not write: its error, as text.
struct StoreFailure: Error, Sendable, Equatable {
    let message: String
}
