import Foundation
import SwitchyardTesting
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Failover events delivered by webhook from the outbox: signed, queued while the receiver is down,
/// delivered once it is back — across a controller restart — and none missing.
@Suite("Notifications by webhook")
struct NotificationTests {
    /// A zone, a monitor probing every second, a failover policy on 127.0.0.1/127.0.0.2 and, with a
    /// receiver, a webhook notifier the policy notifies.
    static func writeManifests(to manifests: URL, port: Int, receiver: WebhookReceiver?, failureThreshold: Int = 2,
                               smtpPort: Int? = nil) throws {
        let email = smtpPort.map { ", email: {url: \"smtp://127.0.0.1:\($0)\", starttls: none, from: dns@example.test, to: [oncall@example.test]}" } ?? ""
        let notifier = receiver.map { receiver in
            "\n  notify: [hook]\n---\napiVersion: switchyard.io/v1\nkind: Notifier\nmetadata: {name: hook}\n"
                + "spec: {webhook: {url: \"\(receiver.url)\", secretFrom: \"env:HOOK_SECRET\", headers: {X-Team: sre}}\(email)}"
        } ?? ""
        try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
        try """
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.test}
            spec: {ttl: 300, soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1, ns2]}
            ---
            apiVersion: switchyard.io/v1
            kind: Monitor
            metadata: {name: web}
            spec: {protocol: http, port: \(port), path: /health, interval: 1s, timeout: 500ms, failureThreshold: \(failureThreshold),
                   successThreshold: 1}
            ---
            apiVersion: switchyard.io/v1
            kind: FailoverPolicy
            metadata: {name: www}
            spec:
              zone: example.test
              name: www
              type: A
              monitor: web
              tiers: [{name: primary, endpoints: [127.0.0.1]}, {name: secondary, endpoints: [127.0.0.2]}]\(notifier)
            """.write(to: manifests.appendingPathComponent("all.yaml"), atomically: true, encoding: .utf8)
    }

    @Test func flappingIsHeldBackIntoSummaries() async throws {
        let port = try freeLoopbackPort()
        let primary = try ProbePeer(.http, host: "127.0.0.1", port: port)
        let secondary = try ProbePeer(.http, host: "127.0.0.2", port: port)
        let directory = try temporaryDirectory("flap")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try WebhookReceiver(port: try freeLoopbackPort(), secret: "flap-secret", directory: directory)
        let manifests = directory.appendingPathComponent("manifests")
        try Self.writeManifests(to: manifests, port: port, receiver: receiver, failureThreshold: 1)
        let controller = try ControllerProcess(manifests: manifests, interval: "1h",
                                               extraArguments: ["--notify-flap-limit", "2", "--notify-flap-window", "10s"],
                                               environment: ["HOOK_SECRET": receiver.secret])
        _ = secondary
        // Flap: down and up again, 5 times, each state held long enough for a verdict (1 s probes, thresholds 1).
        for _ in 0..<5 {
            primary.stop()
            usleep(2_200_000)
            try primary.start()
            usleep(2_200_000)
        }
        let events = try ReconcileEndToEndTests.cli(["events"], controller: controller).output
        let recorded = events.split(separator: "\n").filter { $0.contains(" failover ") || $0.contains(" failback ") }.count
        #expect(recorded >= 8, "the flips were recorded:\n\(events)")
        func summarized() -> Int {
            receiver.deliveries().filter { $0["event"] as? String == "summary" }
                .reduce(0) { $0 + (((($1["body"] as? [String: Any])?["detail"]) as? [String])?.count ?? 0) }
        }
        for _ in 0..<200 where summarized() < recorded - 2 { usleep(100_000) }  // summaries come a window after holding; at most 20 s
        let delivered = receiver.deliveries().filter { ["failover", "failback"].contains($0["event"] as? String ?? "") }
        let summaries = receiver.deliveries().filter { $0["event"] as? String == "summary" }
        // Two messages one by one, then summaries (one per window) that account for every other flip.
        #expect(delivered.count == 2, "\(delivered.count) sent one by one")
        #expect(!summaries.isEmpty && summaries.count <= 3, "\(summaries.count) summaries")
        #expect(summarized() == recorded - 2, "held \(summarized()) of \(recorded)\n\(events)")
        #expect((summaries.first?["body"] as? [String: Any])?["policy"] as? String == "FailoverPolicy/www")

        // The status page lists the newest events with each delivery's state, and reloads itself.
        let (page, _) = try await URLSession.shared.data(from: URL(string: controller.adminURL + "/")!)
        let html = String(decoding: page, as: UTF8.self)
        #expect(html.contains("<meta http-equiv=\"refresh\""))
        #expect(html.contains("<td data-label=\"kind\">summary</td>") && html.contains("hook/webhook delivered"), "\(html)")
        #expect(html.components(separatedBy: "\"kind\">failover</td>").count + html.components(separatedBy: "\"kind\">failback</td>").count - 2 >= 8,
                "every flip is on the page: \(html)")
    }

    @Test func heldEventsAreSummarizedAfterARestart() throws {
        let port = try freeLoopbackPort()
        let primary = try ProbePeer(.http, host: "127.0.0.1", port: port)
        let secondary = try ProbePeer(.http, host: "127.0.0.2", port: port)
        let directory = try temporaryDirectory("flap-restart")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try WebhookReceiver(port: try freeLoopbackPort(), secret: "flap-secret", directory: directory)
        let manifests = directory.appendingPathComponent("manifests")
        try Self.writeManifests(to: manifests, port: port, receiver: receiver, failureThreshold: 1)
        let data = directory.appendingPathComponent("data")
        let arguments = ["--notify-flap-limit", "1", "--notify-flap-window", "8s"]
        var controller = try ControllerProcess(manifests: manifests, interval: "1h", dataDirectory: data, extraArguments: arguments,
                                               environment: ["HOOK_SECRET": receiver.secret])
        _ = secondary
        // Down (sent), up (held): then the controller stops before the summary is due.
        primary.stop()
        #expect(controller.waitForLog(containing: ["failover event", "kind=failover"]), "\(controller.log)")
        try primary.start()
        #expect(controller.waitForLog(containing: ["notification held back: the policy is flapping"]), "\(controller.log)")
        controller.stop()

        // A new process remembers what it held, and sends the summary when the window has passed.
        controller = try ControllerProcess(manifests: manifests, interval: "1h", dataDirectory: data, extraArguments: arguments,
                                           environment: ["HOOK_SECRET": receiver.secret])
        var summaries: [[String: Any]] = []
        for _ in 0..<300 {  // at most 30 s
            summaries = receiver.deliveries().filter { $0["event"] as? String == "summary" }
            if !summaries.isEmpty { break }
            usleep(100_000)
        }
        #expect(summaries.count == 1, "\(receiver.deliveries())\n\(controller.log)")
        let detail = (summaries.first?["body"] as? [String: Any])?["detail"] as? [String] ?? []
        #expect(detail.count == 1 && detail.first?.hasSuffix(" failback") == true, "\(detail)")
        #expect(receiver.deliveries().filter { $0["event"] as? String == "failback" }.isEmpty, "the held event is not sent on its own")
    }

    @Test func everyEventArrivesSignedEvenAfterAnOutageAndARestart() throws {
        let port = try freeLoopbackPort()
        let primary = try ProbePeer(.http, host: "127.0.0.1", port: port)
        let secondary = try ProbePeer(.http, host: "127.0.0.2", port: port)
        let directory = try temporaryDirectory("notify")
        let data = try temporaryDirectory("notify-data")
        defer { for url in [directory, data] { try? FileManager.default.removeItem(at: url) } }
        let receiver = try WebhookReceiver(port: try freeLoopbackPort(), secret: "test-secret-\(UInt32.random(in: 0 ... .max))",
                                           directory: directory)
        let smtp = try SMTPSink(port: try freeLoopbackPort(), directory: directory)
        let manifests = directory.appendingPathComponent("manifests")
        try Self.writeManifests(to: manifests, port: port, receiver: receiver, smtpPort: smtp.port)
        let environment = ["HOOK_SECRET": receiver.secret]
        var controller = try ControllerProcess(manifests: manifests, interval: "1h", dataDirectory: data, environment: environment)
        _ = secondary

        func received(_ kind: String) -> [[String: Any]] {
            receiver.deliveries().filter { $0["event"] as? String == kind && $0["valid"] as? Bool == true }
        }
        func wait(_ condition: () throws -> Bool) rethrows -> Bool {
            for _ in 0..<300 {  // at most 30 s
                if try condition() { return true }
                usleep(100_000)
            }
            return try condition()
        }

        // A failover is delivered, signed, with the manifest's custom header and the event as JSON.
        primary.stop()
        #expect(wait { !received("failover").isEmpty }, "\(controller.log)")
        let first = try #require(received("failover").first)
        #expect(first["team"] as? String == "sre" && first["fresh"] as? Bool == true)
        let body = try #require(first["body"] as? [String: Any])
        #expect(body["policy"] as? String == "FailoverPolicy/www" && body["after"] as? String == "secondary (127.0.0.2)")
        #expect(body["id"] as? String == first["delivery"] as? String)
        // The same failover went out by email, driven end to end by the monitor.
        #expect(wait { !smtp.messages().isEmpty }, "\(controller.log)")
        let mail = try #require(smtp.messages().first?["message"] as? String)
        #expect(mail.contains("X-Switchyard-Event: failover") && mail.contains("To: oncall@example.test"))
        #expect(mail.contains("Message-ID: <\(first["delivery"] as? String ?? "")@switchyard>"))
        let subject = mail.components(separatedBy: "\r\n").drop { !$0.hasPrefix("Subject: ") }.prefix { $0.hasPrefix("Subject: ") || $0.hasPrefix(" ") }
            .joined().replacingOccurrences(of: "Subject: ", with: "").split(separator: " ")
            .compactMap { word -> String? in
                guard word.hasPrefix("=?UTF-8?B?"), let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else { return nil }
                return String(decoding: data, as: UTF8.self)
            }.joined()
        #expect(subject == "[switchyard] FAILOVER www.example.test A: primary (127.0.0.1) → secondary (127.0.0.2)", "\(mail)")
        #expect(mail.contains("Before:  primary (127.0.0.1)") && mail.contains("  web 127.0.0.1: "), "\(mail)")
        #expect(mail.range(of: #"web 127\.0\.0\.1: (unknown|up) → down"#, options: .regularExpression) != nil, "\(mail)")
        // The body follows its documented schema.
        let bodyFile = directory.appendingPathComponent("event.json")
        try JSONSerialization.data(withJSONObject: body).write(to: bodyFile)
        let checker = repositoryRoot.appendingPathComponent(".build-venv/bin/check-jsonschema").path
        let validation = try run(checker, ["--schemafile", repositoryRoot.appendingPathComponent("schemas/event.schema.json").path, bodyFile.path])
        #expect(validation.status == 0, "\(validation.output)")

        // With the receiver down, the failback queues; a controller restart keeps it queued.
        receiver.stop()
        try primary.start()
        #expect(try wait { try dig(["www.example.test", "A"], port: controller.port).answer.first?.hasSuffix("127.0.0.1") == true })
        #expect(controller.waitForLog(containing: ["notification failed; will retry", "kind=failback"]), "\(controller.log)")
        controller.stop()
        controller = try ControllerProcess(manifests: manifests, interval: "1h", dataDirectory: data, environment: environment)
        let pending = try ReconcileEndToEndTests.cli(["events"], controller: controller).output
        #expect(pending.contains("failback") && pending.contains("hook/webhook pending"), "\(pending)")

        try receiver.start()
        #expect(wait { !received("failback").isEmpty }, "\(controller.log)")
        // Every event the controller recorded arrived, and none was lost.
        let recorded = try ReconcileEndToEndTests.cli(["events", "--output", "json"], controller: controller).output
        let events = try #require((try JSONSerialization.jsonObject(with: Data(recorded.utf8)) as? [String: Any])?["events"] as? [[String: Any]])
        let ids = Set(events.compactMap { $0["id"] as? String })
        let arrived = Set(receiver.deliveries().filter { $0["valid"] as? Bool == true }.compactMap { $0["delivery"] as? String })
        #expect(!ids.isEmpty && ids == arrived, "recorded \(ids), arrived \(arrived)")
        #expect(try wait {
            let now = try ReconcileEndToEndTests.cli(["events"], controller: controller).output
            return !now.contains("pending")
        })
        #expect(try ReconcileEndToEndTests.cli(["events"], controller: controller).output.contains("hook/webhook delivered"))
    }
}
