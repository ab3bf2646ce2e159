import Atomics
import Model

/// How many queries one policy has answered. Snapshots hand the same counter on to the next snapshot
/// by policy, so a count survives health and config changes; a policy that goes away takes its count
/// with it.
public final class PolicyQueryCounter: Sendable {
    public let policy: PolicyID
    private let count = ManagedAtomic<Int>(0)

    init(policy: PolicyID) {
        self.policy = policy
    }

    public func increment() { count.wrappingIncrement(ordering: .relaxed) }
    public func increment(by amount: Int) { count.wrappingIncrement(by: amount, ordering: .relaxed) }
    public var value: Int { count.load(ordering: .relaxed) }
}
