import Foundation
import Model
import Store

/// Events as the store keeps them: a JSON body (the notifier's input, `schemas/event.schema.json`) and
/// the notifier channels that must deliver each one: a notifier whose `events` lists the kind and, for
/// a policy's events, that the policy's `notify:` names.
enum EventRecords {
    typealias Body = EventBody

    /// `held`: the flap guard holds the event for a summary, so it gets no deliveries of its own.
    static func failover(_ event: FailoverEvent, state: DesiredState, generation: Int, revision: String?, held: Bool = false) -> StoredEvent.New {
        let body = Body(id: event.id, kind: event.kind.rawValue, time: event.time.iso8601, generation: generation,
                        revision: revision, policy: event.policy.description, zone: event.zone, owner: event.owner.description,
                        type: event.type.rawValue, region: event.region, before: event.before.description,
                        after: event.after.description, causes: event.causes.map { change in
                            EventBody.Cause(monitor: change.endpoint.monitor, endpoint: change.endpoint.value.description,
                                            from: change.from.rawValue, to: change.to.rawValue, results: change.causes.map {
                                                .init(ok: $0.isSuccess, detail: $0.detail, latencyMilliseconds: $0.latency.secondsValue * 1000)
                                            }, locations: change.locations.isEmpty ? nil : change.locations.map { verdict in
                                                .init(node: verdict.location, state: verdict.state.rawValue, since: verdict.since?.iso8601,
                                                      fresh: verdict.fresh, counted: verdict.counts, ok: verdict.result?.isSuccess,
                                                      detail: verdict.result?.detail,
                                                      latencyMilliseconds: verdict.result.map { $0.latency.secondsValue * 1000 })
                                            })
                        })
        let kind = Notifier.Event(rawValue: event.kind.rawValue)
        let notifiers = subscribers(of: event.policy, in: state) { kind.map($0.events.contains) == true }
        return StoredEvent.New(id: event.id, time: event.time.date, kind: event.kind.rawValue, subject: event.policy.description,
                               body: encode(body), deliveries: held ? [] : channels(notifiers), held: held)
    }

    /// The summary sent in place of the events a flapping policy had held back (`FlapGuard`).
    static func summary(id: String, policy: PolicyID, held: FlapGuard.Held, servingNow: String?, state: DesiredState,
                        generation: Int, revision: String?, time: Timestamp) -> StoredEvent.New {
        let target = state.policy(policy)?.target
        let body = Body(id: id, kind: "summary", time: time.iso8601, generation: generation, revision: revision,
                        policy: policy.description, zone: target?.zone, owner: target?.owner.description, type: target?.type.rawValue,
                        after: servingNow, error: "\(held.events.count) events held back since \(held.first.iso8601): the policy is flapping",
                        detail: held.events.map { "\($0.time.iso8601) \($0.kind)" })
        let kinds = Set(held.events.compactMap { Notifier.Event(rawValue: $0.kind) })
        let notifiers = subscribers(of: policy, in: state) { !$0.events.isDisjoint(with: kinds) }
        return StoredEvent.New(id: id, time: time.date, kind: "summary", subject: policy.description, body: encode(body),
                               deliveries: channels(notifiers))
    }

    /// Manifests, git or the store kept a change from being applied.
    static func reconcileFailed(id: String, time: Timestamp, error: String, detail: [String], state: DesiredState, generation: Int,
                                revision: String?) -> StoredEvent.New {
        let body = Body(id: id, kind: "reconcileFailed", time: time.iso8601, generation: generation, revision: revision,
                        error: error, detail: detail)
        return StoredEvent.New(id: id, time: time.date, kind: "reconcileFailed", subject: "manifests", body: encode(body),
                               deliveries: channels(state.notifiers.filter { $0.events.contains(.reconcileFailed) }))
    }

    /// The manifests were applied again over a config applied from elsewhere (`from`), as `to`.
    static func drift(id: String, time: Timestamp, from: Int, to: Int, changes: [String], state: DesiredState,
                      revision: String?) -> StoredEvent.New {
        let body = Body(id: id, kind: "drift", time: time.iso8601, generation: to, revision: revision,
                        before: "generation \(from)", after: "generation \(to)", detail: changes)
        return StoredEvent.New(id: id, time: time.date, kind: "drift", subject: "manifests", body: encode(body),
                               deliveries: channels(state.notifiers.filter { $0.events.contains(.drift) }))
    }

    /// A one-line summary of a stored body, for `switchyard events` and the status page.
    static func summary(_ data: Data) -> String {
        guard let body = try? JSONDecoder().decode(Body.self, from: data) else { return "" }
        switch body.kind {
        case "summary": return "\(body.policy ?? ""): \(body.error ?? ""); now \(body.after ?? "")"
        case "drift" where body.policy != nil: return "\(body.policy ?? ""): found \(body.after ?? "") at the target where \(body.before ?? "") was written; put back"
        case "drift": return "put back \(body.detail?.count ?? 0) changes made elsewhere: \(body.before ?? "") → \(body.after ?? "")"
        default: break
        }
        if let error = body.error { return error + (body.detail?.first.map { ": \($0)" } ?? "") }
        return "\(body.policy ?? "")\(body.region.map { " region \($0)" } ?? ""): \(body.before ?? "") → \(body.after ?? "")"
    }

    /// The notifiers that `policy`'s `notify:` names and that `wants` the event.
    static func subscribers(of policy: PolicyID, in state: DesiredState, wants: (Notifier) -> Bool) -> [Notifier] {
        let listed = state.policy(policy)?.notify ?? []
        return state.notifiers.filter { listed.contains($0.name) && wants($0) }
    }

    static func channels(_ notifiers: [Notifier]) -> [DeliveryTarget] {
        notifiers.flatMap { notifier in
            (notifier.email == nil ? [] : [DeliveryTarget(notifier: notifier.name, channel: "email")])
                + (notifier.webhook == nil ? [] : [DeliveryTarget(notifier: notifier.name, channel: "webhook")])
        }
    }

    static func encode(_ body: Body) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(body)) ?? Data()
    }
}

extension Timestamp {
    var date: Date { Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000) }
}
