/// What applying a desired config to the live one would do: ordered changes, what each policy would
/// serve now, the safety rules it breaks, and a checksum of its content.
public struct Plan: Hashable, Sendable {
    public enum Action: String, Hashable, Sendable, CaseIterable {
        case create, update, delete

        public var symbol: String {
            switch self {
            case .create: "+"
            case .update: "~"
            case .delete: "-"
            }
        }
    }

    /// One field: for a create only `new`, for a delete only `old`, for an update both.
    public struct FieldChange: Hashable, Sendable {
        public var name: String
        public var old: String?
        public var new: String?
    }

    public struct Change: Hashable, Sendable {
        public var action: Action
        /// `Kind/name`, or `Zone/name owner TYPE` for a record set.
        public var resource: String
        public var fields: [FieldChange]
    }

    /// What a policy of the desired config would serve right now, given live health.
    public struct Serving: Hashable, Sendable {
        public var policy: String
        public var answer: String

        public init(policy: String, answer: String) {
            self.policy = policy
            self.answer = answer
        }
    }

    /// A safety rule the plan breaks: applying it needs `--force`.
    public struct Refusal: Hashable, Sendable {
        public var zone: String
        public var reason: String
    }

    /// The live generation the plan was computed against (0: nothing applied yet).
    public var baseGeneration: Int
    public var baseRevision: String?
    public var changes: [Change]
    public var serving: [Serving]
    public var refusals: [Refusal]
    /// 12 hex digits of SHA-256 over the changes: the same changes, the same checksum.
    public var checksum: String

    public var isEmpty: Bool { changes.isEmpty }

    public func count(_ action: Action) -> Int { changes.count { $0.action == action } }

    /// `2 to create, 1 to update, 0 to delete`.
    public var summary: String {
        "\(count(.create)) to create, \(count(.update)) to update, \(count(.delete)) to delete"
    }
}
