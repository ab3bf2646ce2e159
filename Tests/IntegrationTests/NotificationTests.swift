import Foundation
import SwitchyardTesting
import Testing

/// Failover events delivered by webhook from the outbox: signed, queued while the receiver is down,
/// delivered once it is back — across a controller restart — and none missing.
@Suite("Notifications by webhook")
struct NotificationTests {
    @Test func everyEventArrivesSignedEvenAfterAnOutageAndARestart() throws {
        let port = try freeLoopbackPort()
        let primary = try ProbePeer(.http, host: "127.0.0.1", port: port)
        let secondary = try ProbePeer(.http, host: "127.0.0.2", port: port)
        let directory = try temporaryDirectory("notify")
        let data = try temporaryDirectory("notify-data")
        defer { for url in [directory, data] { try? FileManager.default.removeItem(at: url) } }
        let receiver = try WebhookReceiver(port: try freeLoopbackPort(), secret: "test-secret-\(UInt32.random(in: 0 ... .max))",
                                           directory: directory)
        let manifests = directory.appendingPathComponent("manifests")
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
            spec: {protocol: http, port: \(port), path: /health, interval: 1s, timeout: 500ms, failureThreshold: 2, successThreshold: 1}
            ---
            apiVersion: switchyard.io/v1
            kind: FailoverPolicy
            metadata: {name: www}
            spec:
              zone: example.test
              name: www
              type: A
              monitor: web
              tiers: [{name: primary, endpoints: [127.0.0.1]}, {name: secondary, endpoints: [127.0.0.2]}]
              notify: [hook]
            ---
            apiVersion: switchyard.io/v1
            kind: Notifier
            metadata: {name: hook}
            spec: {webhook: {url: "\(receiver.url)", secretFrom: "env:HOOK_SECRET", headers: {X-Team: sre}}}
            """.write(to: manifests.appendingPathComponent("all.yaml"), atomically: true, encoding: .utf8)
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
