import Model
import Store
import Targets

extension ControlCore {
    /// What the target service should make true, after each snapshot: nothing when there are no
    /// targets, unless an apply just removed the last of them (so their pushes stop).
    func pushes(hadTargets: Bool = false) -> [ControlEffect] {
        live.desired.targets.isEmpty && !hadTargets ? [] : [.push(live.desired.targets, snapshot.targetRecordSets)]
    }

    /// A target's outcome becomes an event for the policy's notifiers (pushes, failures, drift) and a
    /// report for the log and metrics; a recovery is only reported.
    mutating func targetReported(_ name: String, _ outcome: TargetSync.Outcome, now: Timestamp) -> [ControlEffect] {
        let report: [ControlEffect] = [.report(.target(name, outcome))]
        guard let target = live.desired.targets.first(where: { $0.name == name }) else { return report }
        let event: StoredEvent.New? = switch outcome {
        case .recovered: nil
        default: EventRecords.target(outcome, target: target, id: makeID(), time: now, state: live.desired,
                                     generation: live.generation, revision: live.revision)
        }
        return report + (event.map { [.record(Record(events: [$0]))] } ?? [])
    }
}
