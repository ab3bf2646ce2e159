import DNSWire
import Foundation
import NIOPosix
import Server
import SwitchyardTesting
import Targets
import Testing

/// Failover pushed to a primary Switchyard does not run: BIND 9 holds corp.test and takes UPDATEs signed
/// with our key (and edits signed with an operator's); the controller probes two local HTTP endpoints and
/// keeps BIND's answer the policy's through failover, failback, someone else's edit, a stopped BIND and a
/// wrong key.
@Suite("Targets: failover pushed to BIND by RFC 2136")
struct TargetPushTests {
    static let secret = Data("switchyard-target-test-secret-32".utf8).base64EncodedString()
    static let operatorSecret = Data("someone-elses-key-for-this-zone!".utf8).base64EncodedString()
    static let zoneText = """
        $TTL 300
        @   SOA ns1 hostmaster 1 3600 600 1209600 300
            NS  ns1
        ns1 A   192.0.2.53
        app A   192.0.2.99
        """

    static func startBIND(port: Int) throws -> BINDServer {
        try BINDServer(primaryOf: "corp.test", zoneText: zoneText, port: port, updateKey: ("switchyard", "hmac-sha256", secret),
                       otherKey: ("operator", "hmac-sha256", operatorSecret))
    }

    /// The manifests: a Target for corp.test at `bindPort` signed with `secret`, and a failover policy on
    /// two local HTTP endpoints on `webPort`; `extra` documents after them.
    static func manifests(bindPort: Int, webPort: Int, extra: String = "") -> String {
        """
        apiVersion: switchyard.io/v1
        kind: Target
        metadata: {name: corp-primary}
        spec:
          zone: corp.test.
          server: "127.0.0.1:\(bindPort)"
          tsigKey: {name: switchyard, algorithm: hmac-sha256, secretFrom: "env:CORP_TSIG"}
        ---
        apiVersion: switchyard.io/v1
        kind: Monitor
        metadata: {name: web}
        spec: {protocol: http, port: \(webPort), path: /health, interval: 1s, timeout: 500ms, failureThreshold: 2, successThreshold: 1}
        ---
        apiVersion: switchyard.io/v1
        kind: FailoverPolicy
        metadata: {name: app}
        spec:
          zone: corp.test
          name: app
          type: A
          ttl: 30
          monitor: web
          tiers: [{name: primary, endpoints: [127.0.0.1]}, {name: secondary, endpoints: [127.0.0.2]}]
        """ + extra
    }

    @Test func bindFollowsFailoverAndDriftIsPutRight() async throws {
        let webPort = try freeLoopbackPort()
        let primary = try ProbePeer(.http, host: "127.0.0.1", port: webPort)
        let secondary = try ProbePeer(.http, host: "127.0.0.2", port: webPort)
        let bindPort = try freeLoopbackPort()
        // BIND starts with an answer of its own: the first push takes it over.
        var bind = try Self.startBIND(port: bindPort)
        defer { bind.stop() }
        func atBIND() throws -> [String] { try dig(["app.corp.test", "A"], port: bindPort).answer }
        #expect(try waitUntil(seconds: 10) { (try? atBIND()) == ["app.corp.test. 300 IN A 192.0.2.99"] }, "\(bind.logText)")

        let directory = try temporaryDirectory("target-push")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.manifests(bindPort: bindPort, webPort: webPort)
            .write(to: directory.appendingPathComponent("corp.yaml"), atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: directory, interval: "1s", environment: ["CORP_TSIG": Self.secret])
        defer { controller.stop() }

        /// Asks BIND every 100 ms, at most `seconds`, until it answers `address`; how long that took.
        func waitForBIND(_ address: String, seconds: Double = 20) throws -> Double? {
            let start = Date()
            let found = try waitUntil(seconds: seconds, every: 0.1) { try atBIND().contains { $0.hasSuffix("A \(address)") } }
            return found ? Date().timeIntervalSince(start) : nil
        }

        // Taken over: the primary tier replaces what BIND held, under a prerequisite that it still held it.
        #expect(try waitForBIND("127.0.0.1") != nil, "\(controller.log)\n\(bind.logText)")
        #expect(try atBIND() == ["app.corp.test. 30 IN A 127.0.0.1"])
        #expect(controller.waitForLog(containing: ["pushed to target", "target=corp-primary", "before=192.0.2.99", "pushed=127.0.0.1",
                                                   "answers=127.0.0.1"]), "\(controller.log)")
        #expect(controller.waitForLog(containing: ["endpoint health", "endpoint=127.0.0.1", "to=up"]), "\(controller.log)")
        // The status page lists the pushed RRset with what it should hold and the last push.
        let page = try run("curl", ["-s", controller.adminURL + "/"]).output
        #expect(page.contains("Pushed to targets") && page.contains("Target/corp-primary at 127.0.0.1:\(bindPort)")
                && page.contains("pushed app.corp.test. A: 192.0.2.99 → 127.0.0.1"), "\(page)")

        // Down: BIND answers the secondary after the monitor's verdict (1 s × 2 failures) and one push.
        primary.stop()
        let failedOver = try waitForBIND("127.0.0.2")
        #expect(failedOver != nil, "\(controller.log)")
        print("target push: BIND answered the secondary \(failedOver.map { String(format: "%.2f", $0) } ?? "-") s after the primary stopped")
        #expect(try atBIND() == ["app.corp.test. 15 IN A 127.0.0.2"], "degraded: half the TTL, as served here")
        #expect(controller.waitForLog(containing: ["pushed to target", "before=127.0.0.1", "pushed=127.0.0.2"]), "\(controller.log)")

        try primary.start()
        #expect(try waitForBIND("127.0.0.1") != nil, "\(controller.log)")

        // One UPDATE per change: take-over, failover, failback; each is one SOA serial step in the journal.
        let journal = try bind.journal(of: "corp.test")
        let updates = journal.split(separator: "\n").filter { $0.hasPrefix("add ") && $0.split(whereSeparator: \.isWhitespace).contains("SOA") }
        #expect(updates.count == 3, "\(journal)")

        // Someone else edits the record at BIND with a key of their own: the next read-back (within an
        // interval) sees it, reports drift naming the change, and puts the policy's answer back.
        let script = directory.appendingPathComponent("edit.nsupdate")
        try """
            server 127.0.0.1 \(bindPort)
            zone corp.test
            update delete app.corp.test. A
            update add app.corp.test. 30 A 192.0.2.77
            send

            """.write(to: script, atomically: true, encoding: .utf8)
        let edit = try run("nsupdate", ["-v", "-y", "hmac-sha256:operator:\(Self.operatorSecret)", script.path])
        #expect(edit.status == 0, "\(edit.output)")
        #expect(controller.waitForLog(containing: ["target drift", "wrote=127.0.0.1", "found=192.0.2.77"]), "\(controller.log)")
        #expect(try waitForBIND("127.0.0.1") != nil, "\(controller.log)")

        // The plan shows what the target holds beside what would be pushed; what-if included.
        func plan(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try ReconcileEndToEndTests.cli(["reconcile", "--manifests", directory.path, "--dry-run"] + arguments, controller: controller)
        }
        let inSync = try plan([])
        #expect(inSync.status == 0 && inSync.output.contains("Target/corp-primary app.corp.test. A (FailoverPolicy/app): 127.0.0.1 (in sync)"),
                "\(inSync.output)")
        let whatIf = try plan(["--assume-down", "web/127.0.0.1", "--output", "json"])
        #expect(whatIf.output.contains("\"holds\" : [\n        \"127.0.0.1\"\n      ]") && whatIf.output.contains("\"inSync\" : false"),
                "\(whatIf.output)")
        // A target that does not answer is a warning in the plan, not an error.
        bind.stop()
        let unread = try plan([])
        #expect(unread.status == 0, "\(unread.output)")
        #expect(unread.output.contains("(could not be read) → 127.0.0.1")
                && unread.output.contains("warning: Target/corp-primary at 127.0.0.1:\(bindPort): no usable answer from the target"),
                "\(unread.output)")
        #expect(controller.waitForLog(containing: ["target push failed", "target=corp-primary", "no usable answer from the target"]),
                "\(controller.log)")

        // Back (from its zone file, without our record): retried with backoff until then, the current
        // answer is pushed once.
        bind = try Self.startBIND(port: bindPort)
        #expect(try waitForBIND("127.0.0.1") != nil, "\(controller.log)\n\(bind.logText)")
        usleep(2_500_000)  // a few more passes: nothing more to push
        let afterRestart = try bind.journal(of: "corp.test").split(separator: "\n")
            .filter { $0.hasPrefix("add ") && $0.split(whereSeparator: \.isWhitespace).contains("SOA") }
        #expect(afterRestart.count == 1, "\(afterRestart)")
        #expect(controller.log.components(separatedBy: "target push failed").count - 1 == 1,
                "each distinct failure once, however many retries:\n\(controller.log)")

        // Every push, the drift and the failure are events of the policy.
        let events = try ReconcileEndToEndTests.cli(["events"], controller: controller).output
        for kind in ["targetPushed", "drift", "targetFailed"] {
            #expect(events.contains(kind) && events.contains("FailoverPolicy/app"), "\(kind): \(events)")
        }
        #expect(events.contains("found 192.0.2.77 at the target where 127.0.0.1 was written"), "\(events)")
        _ = secondary
    }

    /// A key BIND does not have: one `targetFailed` event however many passes retry it, nothing changed at
    /// BIND, and our own zone served as ever.
    @Test func aWrongKeyIsOneEventAndOurServingIsUnaffected() throws {
        let webPort = try freeLoopbackPort()
        let primary = try ProbePeer(.http, host: "127.0.0.1", port: webPort)
        let bindPort = try freeLoopbackPort()
        let bind = try Self.startBIND(port: bindPort)
        defer { bind.stop() }
        #expect(try waitUntil(seconds: 10) { (try? dig(["+tcp", "app.corp.test", "A"], port: bindPort).answer.count) == 1 }, "\(bind.logText)")
        let directory = try temporaryDirectory("target-wrong-key")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.manifests(bindPort: bindPort, webPort: webPort, extra: """

            ---
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.test}
            spec:
              soa: {primary: ns1, contact: hostmaster}
              nameservers: [ns1, ns2]
              records: [{name: www, type: A, values: [192.0.2.1]}]
            """).write(to: directory.appendingPathComponent("corp.yaml"), atomically: true, encoding: .utf8)
        let wrong = Data("not-the-secret-that-named-knows!".utf8).base64EncodedString()
        let controller = try ControllerProcess(manifests: directory, interval: "1s", environment: ["CORP_TSIG": wrong])
        defer { controller.stop() }

        #expect(controller.waitForLog(containing: ["target push failed", "NOTAUTH (TSIG BADSIG)", "holds=192.0.2.99"]), "\(controller.log)")
        usleep(4_000_000)  // several retries and read-backs
        let events = try ReconcileEndToEndTests.cli(["events"], controller: controller).output
        #expect(events.components(separatedBy: "targetFailed").count - 1 == 1, "\(events)")
        #expect(try dig(["app.corp.test", "A"], port: bindPort).answer == ["app.corp.test. 300 IN A 192.0.2.99"])
        #expect(try dig(["www.example.test", "A"], port: controller.port).answer == ["www.example.test. 3600 IN A 192.0.2.1"])
        _ = primary
    }
}
