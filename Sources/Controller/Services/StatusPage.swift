import AdminAPI
import Foundation

/// `GET /`: one page an operator can leave open. The live generation and the last error, what each
/// policy serves, every endpoint's health, and the newest events with the state of each delivery; it
/// reloads itself every few seconds.
enum StatusPage {
    static let eventCount = 20
    static let refreshSeconds = 5

    static func html(state: AdminAPI.State, events: [AdminAPI.Event]) -> String {
        var html = """
            <!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="\(refreshSeconds)"><title>Switchyard</title>
            <style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left;vertical-align:top}
            .down,.failed{color:#b00}.up,.delivered{color:#070}.pending,.unknown{color:#a60}</style>
            <h1>Switchyard</h1><p>Generation \(state.generation)\(state.revision.map { " · revision " + escape($0) } ?? "")\(state.appliedAt.map { " · applied " + $0 } ?? "")</p>
            """
        if let error = state.lastError {
            html += "<p class=down>Failing since \(escape(error.time)): \(escape(error.error))</p><pre>\(escape(error.detail.joined(separator: "\n")))</pre>"
        }
        if let node = state.node {
            html += "<h2>Fleet</h2><p>This is node \(escape(node)).</p><table><tr><th>peer</th><th>verdicts</th><th>last pulled</th><th>revision</th><th>error</th></tr>"
            for peer in state.peers ?? [] {
                html += "<tr><td>\(escape(peer.node))</td><td class=\(peer.fresh ? "up" : "down")>\(peer.fresh ? "fresh" : "stale")</td>"
                    + "<td>\(escape(peer.lastPull ?? "never"))</td><td>\(escape(peer.revision ?? ""))</td><td>\(escape(peer.error ?? ""))</td></tr>"
            }
            html += "</table>"
        }
        html += "<h2>Serving now</h2><table><tr><th>policy</th><th>answer</th></tr>"
        for serving in state.serving { html += "<tr><td>\(escape(serving.policy))</td><td>\(escape(serving.answer))</td></tr>" }
        let fleet = state.node != nil
        html += "</table><h2>Endpoints</h2><table><tr><th>monitor</th><th>endpoint</th><th>state</th><th>since</th><th>last result</th>"
            + (fleet ? "<th>locations</th>" : "") + "</tr>"
        for endpoint in state.health {
            let state = endpoint.state + (endpoint.stale == true ? " (held)" : "")
            html += "<tr><td>\(escape(endpoint.monitor))</td><td>\(escape(endpoint.endpoint))</td><td class=\(endpoint.state)>\(state)</td>"
                + "<td>\(escape(endpoint.since ?? ""))</td><td>\(escape(endpoint.lastResult ?? ""))</td>"
            if fleet {
                let locations = (endpoint.locations ?? []).map { location in
                    "<span class=\(location.fresh ? location.state : "unknown")>\(escape(location.node)): \(location.state)"
                        + (location.fresh ? "" : " (stale)") + (location.sameDefinition ? "" : " (other definition)") + "</span>"
                        + (location.lastResult.map { " " + escape($0) } ?? "")
                }
                html += "<td>\(locations.joined(separator: "<br>"))</td>"
            }
            html += "</tr>"
        }
        html += "</table><h2>Events</h2><table><tr><th>#</th><th>time</th><th>kind</th><th>what</th><th>deliveries</th></tr>"
        for event in events.reversed() {
            let deliveries = event.deliveries.map { delivery in
                "<span class=\(delivery.state)>\(escape(delivery.notifier))/\(delivery.channel) \(delivery.state)</span>"
                    + (delivery.attempts > 1 ? " (\(delivery.attempts) attempts)" : "")
            }.joined(separator: "<br>")
            html += "<tr><td>\(event.sequence)</td><td>\(escape(event.time))</td><td>\(escape(event.kind))</td>"
                + "<td>\(escape(event.summary))</td><td>\(deliveries)</td></tr>"
        }
        return html + "</table>\n"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
