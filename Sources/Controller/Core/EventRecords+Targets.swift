import Model
import Store
import Targets

extension EventRecords {
    /// A target's push, failure or drift as an event of the policy whose RRset it is, for the notifiers
    /// the policy names that want that kind (`targetPushed`, `targetFailed`, `drift`).
    static func target(_ outcome: TargetSync.Outcome, target: Target, id: String, time: Timestamp, state: DesiredState,
                       generation: Int, revision: String?) -> StoredEvent.New? {
        let at = "Target/\(target.name) at \(target.server)"
        let kind: Notifier.Event
        let set: TargetRecordSet
        var before: String?
        var after: String?
        var error: String? = nil
        var detail: [String]
        switch outcome {
        case .pushed(let pushed, let held, let answered):
            (kind, set) = (.targetPushed, pushed)
            before = TargetRecordSet.describe(held)
            after = TargetRecordSet.describe(pushed.data)
            detail = ["\(at) took the update",
                      answered.map { "the target answers now: \(TargetRecordSet.describe($0))" } ?? "the target could not be read back"]
        case .failed(let failed, let message, let holds):
            (kind, set) = (.targetFailed, failed)
            after = TargetRecordSet.describe(failed.data)
            error = message
            detail = [at, holds.map { "the target holds: \(TargetRecordSet.describe($0))" } ?? "what the target holds could not be read"]
        case .drift(let drifted, let expected, let found):
            (kind, set) = (.drift, drifted)
            before = TargetRecordSet.describe(expected)
            after = TargetRecordSet.describe(found)
            error = "\(at) holds records at \(drifted.owner) \(drifted.type) that Switchyard did not write; they are replaced with the policy's answer"
            detail = ["the policy serves: \(TargetRecordSet.describe(drifted.data))"]
        case .recovered:
            return nil
        }
        let body = Body(id: id, kind: kind.rawValue, time: time.iso8601, generation: generation, revision: revision,
                        policy: set.policy.description, zone: target.zoneReference, owner: set.owner.description,
                        type: set.type.description, before: before, after: after, error: error, detail: detail)
        let notifiers = subscribers(of: set.policy, in: state) { $0.events.contains(kind) }
        return StoredEvent.New(id: id, time: time.date, kind: kind.rawValue, subject: set.policy.description, body: encode(body),
                               deliveries: channels(notifiers))
    }
}
