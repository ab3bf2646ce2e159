import Foundation

/// A plan for people (text, coloured on a terminal), for pull-request comments (markdown) and for
/// programs (JSON, documented by schemas/plan.schema.json).
public enum PlanRenderer {
    public static func text(_ plan: Plan, color: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        let codes: [Plan.Action: String] = [.create: "32", .update: "33", .delete: "31"]
        var out = "Plan against generation \(plan.baseGeneration)" + (plan.baseRevision.map { " (revision \($0))" } ?? "") + ":\n"
        if plan.isEmpty { out += "  no changes: the live config is the desired one\n" }
        for change in plan.changes {
            out += paint("\(change.action.symbol) \(change.resource)", codes[change.action]!) + "\n"
            for field in change.fields {
                out += "    \(field.name): " + fieldText(field, deleting: change.action == .delete) + "\n"
            }
        }
        if !plan.serials.isEmpty {
            out += "Zone serials (secondaries follow by IXFR):\n"
            for change in plan.serials { out += "  \(change.zone): \(serialText(change))\n" }
        }
        if !plan.serving.isEmpty {
            out += "Serving now, given live health\(assumptionText(plan)):\n"
            for serving in plan.serving { out += "  \(serving.policy): \(serving.answer)\n" }
        }
        if !plan.targets.isEmpty {
            out += "Pushed to targets (what each holds now → what would be pushed):\n"
            for push in plan.targets {
                out += "  \(push.target) \(push.rrset) (\(push.policy)): \(targetText(push))\n"
                if let warning = push.warning { out += paint("  warning: \(push.target) at \(push.server): \(warning)", "33") + "\n" }
            }
        }
        for refusal in plan.refusals {
            out += paint("refused without --force: \(refusal)", "1;31") + "\n"
        }
        out += "Plan: \(plan.summary). Checksum: \(plan.checksum)\n"
        return out
    }

    public static func markdown(_ plan: Plan) -> String {
        var out = "**Switchyard plan** against generation \(plan.baseGeneration)"
            + (plan.baseRevision.map { " (`\($0)`)" } ?? "") + ": \(plan.isEmpty ? "no changes" : plan.summary)"
            + " · checksum `\(plan.checksum)`\n"
        for refusal in plan.refusals { out += "\n> [!WARNING]\n> Refused without `--force`: \(refusal)\n" }
        if !plan.isEmpty {
            out += "\n<details><summary>Changes (\(plan.changes.count))</summary>\n\n```diff\n"
            for change in plan.changes {
                out += "\(change.action.symbol == "~" ? "!" : change.action.symbol) \(change.resource)\n"
                for field in change.fields { out += "    \(field.name): \(fieldText(field, deleting: change.action == .delete))\n" }
            }
            out += "```\n\n</details>\n"
        }
        if !plan.serials.isEmpty {
            out += "\nZone serials: " + plan.serials.map { "`\($0.zone)` \(serialText($0))" }.joined(separator: ", ") + "\n"
        }
        if !plan.serving.isEmpty {
            // A what-if is the point of the comment: shown open.
            out += "\n<details\(plan.assumed.isEmpty ? "" : " open")><summary>Serving now, given live health\(assumptionText(plan))</summary>\n\n"
                + "| policy | answer |\n|---|---|\n"
            for serving in plan.serving {
                out += "| `\(serving.policy)` | \(serving.answer.replacingOccurrences(of: "|", with: "\\|")) |\n"
            }
            out += "\n</details>\n"
        }
        for push in plan.targets where push.warning != nil {
            out += "\n> [!WARNING]\n> `\(push.target)` at \(push.server): \(push.warning!)\n"
        }
        if !plan.targets.isEmpty {
            out += "\n<details open><summary>Pushed to targets</summary>\n\n| target | RRset | policy | holds now → would push |\n|---|---|---|---|\n"
            for push in plan.targets {
                out += "| `\(push.target)` | `\(push.rrset)` | `\(push.policy)` | \(targetText(push)) |\n"
            }
            out += "\n</details>\n"
        }
        return out
    }

    /// `192.0.2.99 → 127.0.0.1`, `127.0.0.1 (in sync)`, `(unread) → 127.0.0.1`.
    private static func targetText(_ push: Plan.TargetPush) -> String {
        let pushed = push.push.isEmpty ? "nothing" : push.push.joined(separator: ", ")
        guard let holds = push.holds else { return "(could not be read) → \(pushed)" }
        if push.isInSync { return "\(pushed) (in sync)" }
        return "\(holds.isEmpty ? "nothing" : holds.joined(separator: ", ")) → \(pushed)"
    }

    /// ` and assuming web/192.0.2.1 down, api/192.0.2.9 up`, or nothing without assumptions.
    static func assumptionText(_ plan: Plan) -> String {
        guard !plan.assumed.isEmpty else { return "" }
        return " and assuming " + plan.assumed.map { "\($0.endpoint) \($0.isUp ? "up" : "down")" }.joined(separator: ", ")
    }

    public static func json(_ plan: Plan) -> String {
        let object: [String: Any] = [
            "formatVersion": 1,
            "baseGeneration": plan.baseGeneration,
            "baseRevision": plan.baseRevision as Any? ?? NSNull(),
            "checksum": plan.checksum,
            "summary": ["create": plan.count(.create), "update": plan.count(.update), "delete": plan.count(.delete)],
            "changes": plan.changes.map { change in
                [
                    "action": change.action.rawValue,
                    "resource": change.resource,
                    "fields": change.fields.map { field in
                        ["name": field.name, "old": field.old as Any? ?? NSNull(), "new": field.new as Any? ?? NSNull()]
                    },
                ] as [String: Any]
            },
            "serving": plan.serving.map { ["policy": $0.policy, "answer": $0.answer] },
            "assumed": plan.assumed.map { ["endpoint": $0.endpoint, "state": $0.isUp ? "up" : "down"] },
            "serials": plan.serials.map { change in
                ["zone": change.zone, "live": change.live.map { Int($0) as Any } ?? NSNull(), "deleted": change.isDeleted] as [String: Any]
            },
            "targets": plan.targets.map { push in
                ["target": push.target, "server": push.server, "policy": push.policy, "rrset": push.rrset, "push": push.push,
                 "holds": push.holds as Any? ?? NSNull(), "inSync": push.isInSync, "warning": push.warning as Any? ?? NSNull()] as [String: Any]
            },
            "refusals": plan.refusals.map { refusal in
                var object: [String: Any] = ["rule": refusal.rule, "zone": refusal.zone, "reason": refusal.description]
                if let counts = refusal.counts { object["changed"] = counts.changed; object["total"] = counts.total }
                return object
            },
        ]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// `1795970040 → next`, `new zone`, `deleted`.
    private static func serialText(_ change: Plan.SerialChange) -> String {
        if change.isDeleted { return "deleted" }
        return change.live.map { "\($0) → next" } ?? "new zone"
    }

    private static func fieldText(_ field: Plan.FieldChange, deleting: Bool) -> String {
        switch (field.old, field.new) {
        case (nil, let new?): new
        case (let old?, nil): deleting ? old : "\(old) → (none)"
        case (let old?, let new?): "\(old) → \(new)"
        case (nil, nil): ""
        }
    }
}
