import Reconcile

/// Why an apply changed nothing: a typed value with its numbers, from which the HTTP status, the
/// metric, the log line and the event are all derived (never the other way round).
enum ApplyFailure: Error, Sendable, Equatable {
    /// The manifests have errors (`file:line:column: …` each).
    case invalid([String])
    /// The plan was made against `planned`, but `live` is live now.
    case stale(planned: Int, live: Int)
    /// The plan computed now is not the one reviewed.
    case checksumChanged(reviewed: String, planned: String)
    /// The plan breaks safety rules and was not forced.
    case refused([Plan.Refusal])
    /// The store could not record the new generation.
    case store(String)
    /// The controller is stopping and takes no more applies.
    case shuttingDown

    /// One line: what happened.
    var message: String {
        switch self {
        case .invalid: "invalid manifests: nothing applied"
        case .stale(let planned, let live): "stale plan: it was made against generation \(planned), but generation \(live) is live"
        case .checksumChanged(let reviewed, let planned): "the plan changed: its checksum is \(planned) now, \(reviewed) was reviewed"
        case .refused: "plan refused without --force"
        case .store: "the store could not record the apply: nothing applied"
        case .shuttingDown: "the controller is shutting down"
        }
    }

    /// Each problem or hint, one per line.
    var detail: [String] {
        switch self {
        case .invalid(let errors): errors
        case .stale, .checksumChanged: ["plan again and review the new plan"]
        case .refused(let refusals): refusals.map(\.description)
        case .store(let error): [error]
        case .shuttingDown: []
        }
    }
}
