import AdminAPI
import Foundation

/// `GET /`: one page an operator can leave open, on a desk or a phone. The live generation, revision
/// and last error; per policy what it serves now and why; every endpoint's health with its last probe
/// result and its recent changes; the newest events with the state of each delivery. It reloads itself
/// every few seconds. On a narrow screen each table row becomes a card with its cells labelled.
enum StatusPage {
    static let eventCount = 20
    static let refreshSeconds = 5

    static func html(state: AdminAPI.State, events: [AdminAPI.Event], now: Date = Date()) -> String {
        let down = state.health.filter { $0.state == "down" }.count
        var html = """
            <!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="refresh" content="\(refreshSeconds)"><title>\(down == 0 ? "" : "(\(down) down) ")Switchyard</title>
            <style>
            body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;padding:1em;max-width:72em;color:#222}
            h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.1em;margin:1.4em 0 .4em}
            table{border-collapse:collapse;width:100%}td,th{padding:4px 8px;text-align:left;vertical-align:top;border-bottom:1px solid #e4e4e4}
            th{font-weight:600;color:#555}.meta{color:#555}.why{color:#555;font-size:.92em}
            .down,.failed{color:#b00}.up,.delivered{color:#070}.pending,.unknown{color:#a60}.alert{background:#fee;padding:.5em;border-radius:4px}
            .history span{white-space:nowrap;margin-right:.6em;font-size:.9em}
            @media (max-width:640px){table,tbody,tr,td{display:block}tr:first-child{display:none}
            tr{border-bottom:1px solid #ccc;padding:.4em 0}td{border:0;padding:2px 0}td::before{content:attr(data-label) ": ";color:#777}}
            </style>
            <h1>Switchyard</h1>
            <p class=meta>Generation \(state.generation)\(state.revision.map { " · revision " + escape($0) } ?? "")\
            \(state.appliedAt.map { " · applied " + escape($0) } ?? "")\(state.node.map { " · node " + escape($0) } ?? "")
            · \(state.health.count - down) of \(state.health.count) endpoints up · refreshed \(Self.time(now)), every \(refreshSeconds) s</p>
            """
        if let error = state.lastError {
            html += "<div class=alert><p class=down>Failing since \(escape(error.time)): \(escape(error.error))</p>"
                + "<pre>\(escape(error.detail.joined(separator: "\n")))</pre></div>"
        }
        if state.node != nil {
            html += "<h2>Fleet</h2><table><tr><th>peer</th><th>verdicts</th><th>last pulled</th><th>revision</th><th>error</th></tr>"
            for peer in state.peers ?? [] {
                html += "<tr>" + cell("peer", escape(peer.node)) + cell("verdicts", peer.fresh ? "fresh" : "stale", class: peer.fresh ? "up" : "down")
                    + cell("last pulled", escape(peer.lastPull ?? "never")) + cell("revision", escape(peer.revision ?? ""))
                    + cell("error", escape(peer.error ?? "")) + "</tr>"
            }
            html += "</table>"
        }
        html += "<h2>Policies</h2><table><tr><th>policy</th><th>serves now</th><th>why</th></tr>"
        for serving in state.serving {
            html += "<tr>" + cell("policy", escape(serving.policy)) + cell("serves now", escape(serving.answer))
                + cell("why", escape(serving.reason ?? ""), class: "why") + "</tr>"
        }
        html += "</table>"
        if let targets = state.targets, !targets.isEmpty {
            html += "<h2>Pushed to targets</h2><table><tr><th>target</th><th>RRset</th><th>policy</th><th>should hold</th><th>last push or read</th></tr>"
            for target in targets {
                html += "<tr>" + cell("target", escape("\(target.target) at \(target.server)")) + cell("RRset", escape(target.rrset))
                    + cell("policy", escape(target.policy)) + cell("should hold", escape(target.holds))
                    + cell("last push or read", escape(target.last ?? "none yet"), class: target.failing ? "failed" : nil) + "</tr>"
            }
            html += "</table>"
        }
        let fleet = state.node != nil
        html += "<h2>Endpoints</h2><table><tr><th>monitor</th><th>endpoint</th><th>state</th><th>since</th><th>last probe</th><th>recent changes</th>"
            + (fleet ? "<th>locations</th>" : "") + "</tr>"
        for endpoint in state.health {
            let label = endpoint.state + (endpoint.stale == true ? " (held)" : "")
            let history = (endpoint.history ?? []).reversed().map { change in
                "<span class=\(escape(change.to))>\(escape(Self.shortTime(change.time))) \(escape(change.from)) → \(escape(change.to))</span>"
            }.joined()
            html += "<tr>" + cell("monitor", escape(endpoint.monitor)) + cell("endpoint", escape(endpoint.endpoint))
                + cell("state", label, class: escape(endpoint.state)) + cell("since", escape(endpoint.since ?? ""))
                + cell("last probe", escape(endpoint.lastResult ?? "")) + cell("recent changes", history.isEmpty ? "none" : history, class: "history")
            if fleet {
                let locations = (endpoint.locations ?? []).map { location in
                    "<span class=\(location.fresh ? escape(location.state) : "unknown")>\(escape(location.node)): \(escape(location.state))"
                        + (location.fresh ? "" : " (stale)") + (location.sameDefinition ? "" : " (other definition)") + "</span>"
                        + (location.lastResult.map { " " + escape($0) } ?? "")
                }
                html += cell("locations", locations.joined(separator: "<br>"))
            }
            html += "</tr>"
        }
        html += "</table><h2>Events</h2><table><tr><th>#</th><th>time</th><th>kind</th><th>what</th><th>deliveries</th></tr>"
        for event in events.reversed() {
            let deliveries = event.deliveries.map { delivery in
                "<span class=\(escape(delivery.state))>\(escape(delivery.notifier))/\(escape(delivery.channel)) \(escape(delivery.state))</span>"
                    + (delivery.attempts > 1 ? " (\(delivery.attempts) attempts)" : "")
            }.joined(separator: "<br>")
            html += "<tr>" + cell("#", "\(event.sequence)") + cell("time", escape(event.time)) + cell("kind", escape(event.kind))
                + cell("what", escape(event.summary)) + cell("deliveries", deliveries.isEmpty ? "none" : deliveries) + "</tr>"
        }
        if events.isEmpty { html += "<tr><td colspan=5>No events yet.</td></tr>" }
        return html + "</table></html>\n"
    }

    /// A cell whose label shows before it on a narrow screen; `content` is HTML already escaped.
    private static func cell(_ label: String, _ content: String, class name: String? = nil) -> String {
        "<td data-label=\"\(label)\"\(name.map { " class=\"\($0)\"" } ?? "")>\(content)</td>"
    }

    /// `2026-11-29T23:01:05.123Z` → `23:01:05`; anything else as it is.
    private static func shortTime(_ iso: String) -> String {
        guard let t = iso.firstIndex(of: "T") else { return iso }
        return String(iso[iso.index(after: t)...].prefix(8))
    }

    private static func time(_ date: Date) -> String {
        shortTime(ISO8601DateFormatter().string(from: date)) + " UTC"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
