import Foundation
import Model

/// An event as an RFC 5322 plain-text message: Date, Message-ID (the event id, so duplicates of an
/// at-least-once delivery can be recognised), From, To, Subject, and a body a person on call can act on.
public enum EmailMessage {
    /// `[switchyard] FAILOVER www.example.com A: primary (192.0.2.1) → secondary (198.51.100.1)`.
    public static func subject(_ event: EventBody) -> String {
        if event.kind == "reconcileFailed" { return "[switchyard] RECONCILE FAILED: \(event.error ?? "")" }
        let rrset = "\(trimmedOwner(event)) \(event.type ?? "")"
        if isTargetEvent(event) {
            switch event.kind {
            case "targetPushed": return "[switchyard] PUSHED \(rrset) to the target: \(event.before ?? "") → \(event.after ?? "")"
            case "targetFailed": return "[switchyard] TARGET FAILED \(rrset): \(event.error ?? "")"
            default: return "[switchyard] DRIFT at the target \(rrset): found \(event.after ?? "") where \(event.before ?? "") was written; put back"
            }
        }
        if event.kind == "drift" {
            return "[switchyard] DRIFT put back: \(event.detail?.count ?? 0) changes from elsewhere undone (\(event.before ?? "") → \(event.after ?? ""))"
        }
        if event.kind == "summary" {
            return "[switchyard] FLAPPING \(event.policy ?? ""): \(event.detail?.count ?? 0) events held back; now \(event.after ?? "")"
        }
        let region = event.region.map { " (region \($0))" } ?? ""
        return "[switchyard] \(kindTitle(event.kind)) \(rrset)\(region): \(event.before ?? "") → \(event.after ?? "")"
    }

    /// A push to, failure of or drift at a target (a DNS server Switchyard does not run).
    private static func isTargetEvent(_ event: EventBody) -> Bool {
        event.kind == "targetPushed" || event.kind == "targetFailed" || (event.kind == "drift" && event.policy != nil)
    }

    private static func trimmedOwner(_ event: EventBody) -> String {
        let owner = event.owner ?? ""
        return owner.hasSuffix(".") ? String(owner.dropLast()) : owner
    }

    public static func text(_ event: EventBody) -> String {
        var lines: [String] = []
        if event.kind == "summary" {
            lines += ["Policy:  \(event.policy ?? "")", "Now:     \(event.after ?? "")", "", "\(event.error ?? "")", "Held back:"]
            lines += (event.detail ?? []).map { "  \($0)" }
        } else if isTargetEvent(event) {
            let (before, after) = event.kind == "drift" ? ("Written:", "Found:  ") : ("Held:   ", "Pushed: ")
            lines += ["Policy:  \(event.policy ?? "")", "Zone:    \(event.zone ?? "")", "Name:    \(event.owner ?? "") \(event.type ?? "")"]
            if let held = event.before { lines.append("\(before) \(held)") }
            if let pushed = event.after { lines.append("\(event.kind == "targetFailed" ? "To push:" : after) \(pushed)") }
            if let error = event.error { lines += ["", error] }
            lines += [""] + (event.detail ?? [])
        } else if event.kind == "reconcileFailed" {
            lines.append("A reconcile failed; the last good generation (\(event.generation)) keeps serving.")
            lines.append("")
            lines.append("Error: \(event.error ?? "")")
            lines += (event.detail ?? []).map { "  \($0)" }
        } else if event.kind == "drift" {
            lines.append("The live config (\(event.before ?? "")) was not the manifests': it had been applied from elsewhere.")
            lines.append("The manifests were applied again as \(event.after ?? ""), changing:")
            lines += (event.detail ?? []).map { "  \($0)" }
        } else {
            lines += ["Policy:  \(event.policy ?? "")" + (event.region.map { ", region \($0)" } ?? ""),
                      "Name:    \(event.owner ?? "") \(event.type ?? "")",
                      "Before:  \(event.before ?? "")",
                      "After:   \(event.after ?? "")", "", "Caused by:"]
            for cause in event.causes ?? [] {
                lines.append("  \(cause.monitor) \(cause.endpoint): \(cause.from) → \(cause.to)")
                if let locations = cause.locations {
                    // A fleet decided by quorum: what each location saw.
                    for location in locations {
                        let seen = location.detail.map { ": \(location.ok == true ? "ok" : "failed"), \($0)" } ?? ""
                        let latency = location.latencyMilliseconds.map { " (\(String(format: "%.1f", $0)) ms)" } ?? ""
                        let note = location.counted ? "" : location.fresh ? " (not counted)" : " (stale, not counted)"
                        lines.append("    \(location.node): \(location.state)\(seen)\(latency)\(note)")
                    }
                } else {
                    for result in cause.results {
                        lines.append("    \(result.ok ? "ok" : "failed"): \(result.detail) (\(String(format: "%.1f", result.latencyMilliseconds)) ms)")
                    }
                }
            }
        }
        lines += ["", "Time:       \(event.time)", "Generation: \(event.generation)", "Revision:   \(event.revision ?? "-")",
                  "Event id:   \(event.id)"]
        return lines.joined(separator: "\r\n")
    }

    /// The whole message with CRLF line ends, as SMTP DATA sends it.
    public static func message(_ event: EventBody, from: String, to: [String], date: Date) -> String {
        let headers = [
            "Date: \(rfc5322(date))",
            "Message-ID: <\(event.id)@switchyard>",
            "From: \(from)",
            "To: \(to.joined(separator: ", "))",
            "Subject: \(encodedWord(subject(event)))",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "X-Switchyard-Event: \(event.kind)",
        ]
        // A line starting with "." would end DATA early on a server that does not unstuff; double it.
        let body = text(event).components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }
        return (headers + [""] + body).joined(separator: "\r\n") + "\r\n"
    }

    private static func kindTitle(_ kind: String) -> String {
        switch kind {
        case "allDown": "ALL DOWN"
        default: kind.uppercased()
        }
    }

    /// RFC 2047 for a subject with non-ASCII (the arrow): `=?UTF-8?B?…?=` words of at most 45 octets
    /// of text each (75 characters encoded), split between characters and folded onto new lines.
    private static func encodedWord(_ text: String) -> String {
        guard !text.allSatisfy(\.isASCII) else { return text }
        var words: [String] = []
        var chunk = Data()
        for character in text {
            let bytes = Data(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=")
                chunk = Data()
            }
            chunk.append(bytes)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    private static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
