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
    /// An endpoint taken as down or up, whatever its live verdict: a what-if.
    public struct Assumption: Hashable, Sendable {
        /// `monitor/endpoint`.
        public var endpoint: String
        public var isUp: Bool

        public init(endpoint: String, isUp: Bool) {
            self.endpoint = endpoint
            self.isUp = isUp
        }
    }

    public struct Serving: Hashable, Sendable {
        public var policy: String
        public var answer: String

        public init(policy: String, answer: String) {
            self.policy = policy
            self.answer = answer
        }
    }

    /// One RRset pushed to a target: what the target holds now beside what would be pushed now.
    public struct TargetPush: Hashable, Sendable {
        /// `Target/name`.
        public var target: String
        public var server: String
        public var policy: String
        /// `app.corp.example. A`.
        public var rrset: String
        /// The records the policy's answer would push now, in presentation form.
        public var push: [String]
        /// What the target answers now; nil when it could not be read (then `warning` says why).
        public var holds: [String]?
        public var warning: String?

        public init(target: String, server: String, policy: String, rrset: String, push: [String], holds: [String]?, warning: String?) {
            self.target = target
            self.server = server
            self.policy = policy
            self.rrset = rrset
            self.push = push
            self.holds = holds
            self.warning = warning
        }

        /// The target already holds what would be pushed.
        public var isInSync: Bool { holds.map { Set($0) == Set(push) } ?? false }
    }

    /// A safety rule the plan breaks, with its numbers: applying it needs `--force`.
    public enum Refusal: Hashable, Sendable, CustomStringConvertible {
        /// The zone goes away with its records.
        case zoneDeleted(zone: String, records: Int)
        /// The apex NS set changes.
        case apexNameserversChanged(zone: String, from: [String], to: [String])
        /// More than `Planner.maximumChangedShare` of a guarded zone's records are deleted or updated;
        /// `sets` names the record sets touched.
        case recordsChanged(zone: String, changed: Int, total: Int, sets: [String])
        /// More than `Planner.maximumChangedShare` of a guarded zone's traffic policies are deleted or changed.
        case policiesChanged(zone: String, changed: Int, total: Int, policies: [String])
        /// Every traffic policy of a zone that stays is deleted.
        case allPoliciesDeleted(zone: String, policies: [String])
        /// A signed zone's key changes (another algorithm or key file, or other key material there), or it
        /// stops being signed: validating resolvers fail it while the parent's DS names the old key. `to`
        /// is nil when signing stops.
        case signingKeyChanged(zone: String, from: String, to: String?)

        /// A name for the rule, stable in JSON.
        public var rule: String {
            switch self {
            case .zoneDeleted: "zoneDeleted"
            case .apexNameserversChanged: "apexNameserversChanged"
            case .recordsChanged: "recordsChanged"
            case .policiesChanged: "policiesChanged"
            case .allPoliciesDeleted: "allPoliciesDeleted"
            case .signingKeyChanged: "signingKeyChanged"
            }
        }

        public var zone: String {
            switch self {
            case .zoneDeleted(let zone, _), .apexNameserversChanged(let zone, _, _), .recordsChanged(let zone, _, _, _),
                 .policiesChanged(let zone, _, _, _), .allPoliciesDeleted(let zone, _), .signingKeyChanged(let zone, _, _): zone
            }
        }

        /// How many of how many things the rule counted, where it counts.
        public var counts: (changed: Int, total: Int)? {
            switch self {
            case .zoneDeleted(_, let records): (records, records)
            case .apexNameserversChanged, .signingKeyChanged: nil
            case .recordsChanged(_, let changed, let total, _), .policiesChanged(_, let changed, let total, _): (changed, total)
            case .allPoliciesDeleted(_, let policies): (policies.count, policies.count)
            }
        }

        /// A sentence for people: what the plan does, with the numbers.
        public var description: String {
            let limit = Int(Planner.maximumChangedShare * 100)
            switch self {
            case .zoneDeleted(let zone, let records):
                return "deletes zone \(zone) and its \(records) records"
            case .apexNameserversChanged(let zone, let from, let to):
                return "changes the apex NS set of \(zone): \(from.joined(separator: ", ")) → \(to.joined(separator: ", "))"
            case .recordsChanged(let zone, let changed, let total, let sets):
                return "deletes or updates \(changed) of the \(total) records of \(zone) (\(changed * 100 / total)%, more than \(limit)%): "
                    + Self.list(sets)
            case .policiesChanged(let zone, let changed, let total, let policies):
                return "deletes or changes \(changed) of the \(total) traffic policies of \(zone) (\(changed * 100 / total)%, more than \(limit)%): "
                    + Self.list(policies)
            case .allPoliciesDeleted(let zone, let policies):
                return "deletes every traffic policy of \(zone) (\(policies.count)): " + Self.list(policies)
            case .signingKeyChanged(let zone, let from, let to?):
                return "changes the signing key of \(zone) (\(from) → \(to)): resolvers that validate fail the zone until its parent has the new DS"
            case .signingKeyChanged(let zone, let from, nil):
                return "stops signing \(zone) (\(from)): resolvers that validate fail the zone while its parent has its DS"
            }
        }

        /// The first ten names, then how many more.
        private static func list(_ names: [String]) -> String {
            names.prefix(10).joined(separator: ", ") + (names.count > 10 ? " and \(names.count - 10) more" : "")
        }
    }

    /// A zone whose content changes (records, what its policies serve, catalog membership), so its
    /// serial moves and its secondaries follow by IXFR.
    public struct SerialChange: Hashable, Sendable {
        public var zone: String
        /// The serial served now; nil for a zone the plan creates (or when it is not known).
        public var live: UInt32?
        /// The zone goes away.
        public var isDeleted: Bool
    }

    /// The live generation the plan was computed against (0: nothing applied yet).
    public var baseGeneration: Int
    public var baseRevision: String?
    public var changes: [Change]
    public var serving: [Serving]
    /// Health assumed for `serving` instead of the live verdicts (`reconcile --dry-run --assume-down`).
    public var assumed: [Assumption] = []
    public var refusals: [Refusal]
    /// The zones whose serial the plan moves, by name.
    public var serials: [SerialChange] = []
    /// Each RRset pushed to a target, what it holds beside what would be pushed (filled in by whoever
    /// can reach the targets; a target that does not answer is a warning, never an error).
    public var targets: [TargetPush] = []
    /// 12 hex digits of SHA-256 over the changes: the same changes, the same checksum.
    public var checksum: String

    public var isEmpty: Bool { changes.isEmpty }

    public func count(_ action: Action) -> Int { changes.count { $0.action == action } }

    /// `2 to create, 1 to update, 0 to delete`.
    public var summary: String {
        "\(count(.create)) to create, \(count(.update)) to update, \(count(.delete)) to delete"
    }
}
