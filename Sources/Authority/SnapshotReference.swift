import Atomics

/// The one place the current snapshot lives. Queries load it without a lock; an apply or a health
/// change stores a new one, whole (gdnsd's RCU idea, with swift-atomics' reference counting doing
/// the grace period).
public final class SnapshotReference: Sendable {
    private let current: ManagedAtomic<Snapshot>

    public init(_ snapshot: Snapshot = .empty) {
        current = ManagedAtomic(snapshot)
    }

    /// The snapshot to answer from. Never blocks.
    public func load() -> Snapshot {
        current.load(ordering: .acquiring)
    }

    /// Makes `snapshot` the one every later query reads.
    public func store(_ snapshot: Snapshot) {
        current.store(snapshot, ordering: .releasing)
    }
}

extension Snapshot: AtomicReference {}
