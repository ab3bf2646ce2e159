import Foundation
import Model
import Store

/// Events as the store keeps them: a JSON body (the notifier's input) and the notifier channels that
/// must deliver each one — a notifier whose `events` lists the kind and, for failover events, that the
/// policy's `notify:` names.
enum EventRecords {
    typealias Body = EventBody

    /// `deliver: false` records the event without deliveries: the flap guard held it for a summary.
    static func failover(_ event: FailoverEvent, state: DesiredState, generation: Int, revision: String?, deliver: Bool = true) -> StoredEvent.New {
        let body = Body(id: event.id, kind: event.kind.rawValue, time: AdminAPI.iso8601(date(event.time)), generation: generation,
                        revision: revision, policy: event.policy, zone: event.zone, owner: event.owner.description,
                        type: event.type.rawValue, region: event.region, before: event.before.description,
                        after: event.after.description, causes: event.causes.map { change in
                            EventBody.Cause(monitor: change.endpoint.monitor, endpoint: change.endpoint.value.description,
                                       from: change.from.rawValue, to: change.to.rawValue, results: change.causes.map {
                                           .init(ok: $0.isSuccess, detail: $0.detail, latencyMilliseconds: $0.latency.secondsValue * 1000)
                                       })
                        })
        let listed = policy(state, subject: event.policy)?.notify ?? []
        let kind = Notifier.Event(rawValue: event.kind.rawValue)
        let notifiers = state.notifiers.filter { notifier in listed.contains(notifier.name) && kind.map(notifier.events.contains) == true }
        return StoredEvent.New(id: event.id, time: date(event.time), kind: event.kind.rawValue, subject: event.policy,
                               body: encode(body), deliveries: deliver ? channels(notifiers) : [])
    }

    /// The summary sent in place of the events a flapping policy had held back (`FlapGuard`).
    static func summary(policy: String, held: FlapGuard.Held, servingNow: String?, state: DesiredState, generation: Int,
                        revision: String?, time: Date) -> StoredEvent.New {
        let target = Self.policy(state, subject: policy)?.target
        let lines = held.events.map { "\(AdminAPI.iso8601($0.time)) \($0.kind)" }
        let id = UUID().uuidString.lowercased()
        let body = Body(id: id, kind: "summary", time: AdminAPI.iso8601(time), generation: generation, revision: revision,
                        policy: policy, zone: target?.zone, owner: target?.owner.description, type: target?.type.rawValue,
                        after: servingNow, error: "\(held.events.count) events held back since \(AdminAPI.iso8601(held.first)): the policy is flapping",
                        detail: lines)
        let kinds = Set(held.events.compactMap { Notifier.Event(rawValue: $0.kind) })
        let listed = Self.policy(state, subject: policy)?.notify ?? []
        let notifiers = state.notifiers.filter { listed.contains($0.name) && !$0.events.isDisjoint(with: kinds) }
        return StoredEvent.New(id: id, time: time, kind: "summary", subject: policy, body: encode(body), deliveries: channels(notifiers))
    }

    static func reconcileFailed(id: String, time: Date, error: String, detail: [String], state: DesiredState?, generation: Int,
                                revision: String?) -> StoredEvent.New {
        let body = Body(id: id, kind: "reconcileFailed", time: AdminAPI.iso8601(time), generation: generation, revision: revision,
                        error: error, detail: detail)
        let notifiers = (state?.notifiers ?? []).filter { $0.events.contains(.reconcileFailed) }
        return StoredEvent.New(id: id, time: time, kind: "reconcileFailed", subject: "manifests", body: encode(body),
                               deliveries: channels(notifiers))
    }

    /// A one-line summary of a stored body, for `switchyard events`.
    static func summary(_ data: Data) -> String {
        guard let body = try? JSONDecoder().decode(Body.self, from: data) else { return "" }
        if body.kind == "summary" { return "\(body.policy ?? ""): \(body.error ?? ""); now \(body.after ?? "")" }
        if let error = body.error { return error }
        return "\(body.policy ?? "")\(body.region.map { " region \($0)" } ?? ""): \(body.before ?? "") → \(body.after ?? "")"
    }

    /// The target and `notify:` list of the policy called `Kind/name`.
    private static func policy(_ state: DesiredState, subject: String) -> (target: PolicyTarget, notify: [String])? {
        let parts = subject.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        switch parts[0] {
        case "FailoverPolicy": return state.failoverPolicies.first { $0.name == parts[1] }.map { ($0.target, $0.notify) }
        case "WeightedPolicy": return state.weightedPolicies.first { $0.name == parts[1] }.map { ($0.target, $0.notify) }
        case "GeoPolicy": return state.geoPolicies.first { $0.name == parts[1] }.map { ($0.target, $0.notify) }
        default: return nil
        }
    }

    private static func channels(_ notifiers: [Notifier]) -> [(String, String)] {
        notifiers.flatMap { notifier in
            (notifier.email == nil ? [] : [(notifier.name, "email")]) + (notifier.webhook == nil ? [] : [(notifier.name, "webhook")])
        }
    }

    private static func encode(_ body: Body) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(body)) ?? Data()
    }

    private static func date(_ time: Timestamp) -> Date { Date(timeIntervalSince1970: Double(time.millisecondsSince1970) / 1000) }

}
