import Authority
import Model
import Monitor
import Store

/// Health: each batch of verdict changes rebuilds the answers at once, and the failover events it
/// caused are recorded (or held, while a policy flaps) for the notifiers.
extension ControlCore {
    /// New health: serve the new answers first, then record the changes and events. A crash between the
    /// two loses no event: the store still has the old verdicts, which seed the monitor after a restart,
    /// so the same transitions are found again and their events derived again.
    mutating func follow(_ update: HealthUpdate, now: Timestamp) -> [ControlEffect] {
        health = update.health
        for change in update.changes { since[change.endpoint] = change.time }
        let (previous, versions) = rebuild(now: now)
        let time = update.changes.map(\.time).max() ?? now
        var events = FailoverEvents.between(previous, snapshot, state: live.desired, changes: update.changes, time: time, makeID: makeID)
        if isFleet { events = fleetEventIDs(events, now: now) }
        var effects: [ControlEffect] = [.serve(snapshot)] + pushes()
        effects += update.changes.map { .report(.health($0)) }
        var stored: [StoredEvent.New] = []
        for event in events {
            let delivered = flaps.admit(policy: event.policy, id: event.id, kind: event.kind.rawValue, at: event.time)
            effects.append(.report(.failover(event, held: !delivered)))
            stored.append(EventRecords.failover(event, state: live.desired, generation: live.generation, revision: live.revision,
                                                held: !delivered))
        }
        let record = Record(health: update.changes, events: stored, zones: versions)
        if !record.isEmpty { effects.append(.record(record)) }
        return effects + notifications(from: previous)
    }

    /// The summary of each flapping policy whose window has passed, recorded with the end of the hold
    /// on the events it covers.
    mutating func dueSummaries(now: Timestamp) -> [ControlEffect] {
        let due = flaps.dueSummaries(at: now)
        guard !due.isEmpty else { return [] }
        let serving = Dictionary(snapshot.servingDescriptions(state: live.desired).map { ($0.policy, $0.answer) },
                                 uniquingKeysWith: { first, _ in first })
        var record = Record()
        var effects: [ControlEffect] = []
        for (policy, held) in due {
            record.events.append(EventRecords.summary(id: isFleet ? fleetSummaryID(policy, held: held) : makeID(), policy: policy, held: held, servingNow: serving[policy],
                                                      state: live.desired, generation: live.generation, revision: live.revision,
                                                      time: now))
            record.summarized += held.events.map(\.id)
            effects.append(.report(.summary(policy, covering: held.events.count)))
        }
        return effects + [.record(record)]
    }

    /// NOTIFY for each zone with secondaries that is new or has a new serial since `previous`.
    func notifications(from previous: Snapshot) -> [ControlEffect] {
        let changed = snapshot.zones.values
            .filter { !$0.secondaries.isEmpty && previous.zones[$0.origin]?.serial != $0.serial }
            .sorted { $0.origin.description < $1.origin.description }
            .map { ZoneNotify(origin: $0.origin, serial: $0.serial, secondaries: $0.secondaries) }
        return changed.isEmpty ? [] : [.notify(changed)]
    }
}
