import Foundation
import SwitchyardTesting
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `switchyard reconcile` against a real controller: plan, apply, restart, refusals, crashes.
@Suite("Reconcile end to end")
struct ReconcileEndToEndTests {
    static func zone(www: String = "192.0.2.1", extra: Int = 0, hostNetwork: Int = 2) -> String {
        var records = ["{name: www, type: A, values: [\(www)]}", "{name: api, type: A, values: [192.0.2.2]}"]
        for index in 0..<extra { records.append("{name: host\(index), type: A, values: [192.0.\(hostNetwork).\(index % 250 + 1)]}") }
        return """
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.test}
            spec:
              ttl: 300
              soa: {primary: ns1, contact: hostmaster}
              nameservers: [ns1, ns2]
              records:
            \(records.map { "    - " + $0 }.joined(separator: "\n"))
            """
    }

    static func write(_ text: String, to directory: URL) throws {
        try text.write(to: directory.appendingPathComponent("zone.yaml"), atomically: true, encoding: .utf8)
    }

    static func cli(_ arguments: [String], controller: ControllerProcess) throws -> (status: Int32, output: String) {
        try run(repositoryRoot.appendingPathComponent(".build/debug/switchyard").path,
                arguments + ["--server", controller.adminURL, "--data-dir", controller.dataDirectory.path])
    }

    @Test func planApplyRestartAndKeepServingThroughBadManifests() async throws {
        // The controller follows its own manifests; the CLI plans a proposed copy, as a pull request would.
        let manifests = try temporaryDirectory("reconcile")
        let proposed = try temporaryDirectory("reconcile-proposed")
        let data = try temporaryDirectory("reconcile-data")
        defer { for directory in [manifests, proposed, data] { try? FileManager.default.removeItem(at: directory) } }
        try Self.write(Self.zone(), to: manifests)
        try Self.write(Self.zone(), to: proposed)
        var controller = try ControllerProcess(manifests: manifests, interval: "1h", dataDirectory: data)

        let unchanged = try Self.cli(["reconcile", "--manifests", proposed.path, "--dry-run", "--detailed-exitcode"], controller: controller)
        #expect(unchanged.status == 0, "\(unchanged.output)")
        #expect(unchanged.output.contains("no changes"))

        try Self.write(Self.zone(www: "192.0.2.99"), to: proposed)
        let changed = try Self.cli(["reconcile", "--manifests", proposed.path, "--dry-run", "--detailed-exitcode"], controller: controller)
        #expect(changed.status == 2, "\(changed.output)")
        #expect(changed.output.contains("~ Zone/example.test www A\n    values: 192.0.2.1 → 192.0.2.99\n"), "\(changed.output)")
        #expect(changed.output.contains("Plan: 0 to create, 1 to update, 0 to delete."))

        // The JSON plan validates against its schema.
        let json = try Self.cli(["reconcile", "--manifests", proposed.path, "--dry-run", "--output", "json"], controller: controller)
        let planFile = data.appendingPathComponent("plan.json")
        try json.output.write(to: planFile, atomically: true, encoding: .utf8)
        let checker = repositoryRoot.appendingPathComponent(".build-venv/bin/check-jsonschema").path
        try #require(FileManager.default.isExecutableFile(atPath: checker), "make test installs check-jsonschema into .build-venv")
        let validation = try run(checker, ["--schemafile", repositoryRoot.appendingPathComponent("schemas/plan.schema.json").path, planFile.path])
        #expect(validation.status == 0, "\(validation.output)\n\(json.output)")

        // An apply that succeeds exits 0, --detailed-exitcode or not.
        let applied = try Self.cli(["reconcile", "--manifests", proposed.path, "--detailed-exitcode"], controller: controller)
        #expect(applied.status == 0, "\(applied.output)")
        #expect(applied.output.contains("applied as generation 2"))
        #expect(try dig(["www.example.test", "A"], port: controller.port).answer == ["www.example.test. 300 IN A 192.0.2.99"])
        // Planning again right after the apply gives an empty plan.
        #expect(try Self.cli(["reconcile", "--manifests", proposed.path, "--dry-run", "--detailed-exitcode"], controller: controller).status == 0)

        // SIGTERM is a graceful shutdown; restarted on broken manifests, the stored generation is served at
        // once and the error is reported.
        controller.stop()
        #expect(controller.exitStatus == 0 && controller.log.contains("shutting down"), "\(controller.log)")
        try "apiVersion: switchyard.io/v1\nkind: Zone\nmetadata: {name: example.test}\nspec: {ttl: nope}\n"
            .write(to: manifests.appendingPathComponent("zone.yaml"), atomically: true, encoding: .utf8)
        controller = try ControllerProcess(manifests: manifests, interval: "1h", dataDirectory: data)
        #expect(try dig(["www.example.test", "A"], port: controller.port).answer == ["www.example.test. 300 IN A 192.0.2.99"])
        // The generation is right from the first moment after a restart.
        let (metrics, _) = try await URLSession.shared.data(from: URL(string: controller.adminURL + "/metrics")!)
        #expect(String(decoding: metrics, as: UTF8.self).contains("switchyard_generation 2.0"))
        #expect(controller.waitForLog(containing: ["the manifests from the manifests have errors", "still serving generation 2"]), "\(controller.log)")
        let status = try Self.cli(["status"], controller: controller)
        #expect(status.output.hasPrefix("generation 2"), "\(status.output)")
        #expect(status.output.contains("last reconcile failed"), "\(status.output)")
        let events = try Self.cli(["events"], controller: controller)
        #expect(events.output.contains("reconcileFailed"), "\(events.output)")
    }

    @Test func staleChangedAndUnauthorizedAppliesAreRefused() async throws {
        let manifests = try temporaryDirectory("refusals")
        defer { try? FileManager.default.removeItem(at: manifests) }
        try Self.write(Self.zone(extra: 10), to: manifests)
        let controller = try ControllerProcess(manifests: manifests, interval: "1h")
        let sources = [["path": "zone.yaml", "text": Self.zone(www: "192.0.2.7", extra: 10)]]

        func apply(_ body: [String: Any], token: String?) async throws -> (Int, String) {
            var request = URLRequest(url: URL(string: controller.adminURL + "/v1/apply")!)
            request.httpMethod = "POST"
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        let token = controller.adminToken
        #expect(!token.isEmpty)
        var (status, body) = try await apply(["baseGeneration": 1, "force": false, "sources": sources], token: nil)
        #expect(status == 401 && body.contains("\"error\":\"missing or wrong bearer token\""), "\(body)")
        (status, body) = try await apply(["baseGeneration": 1, "force": false, "sources": sources], token: "wrong")
        #expect(status == 401)
        (status, body) = try await apply(["baseGeneration": 0, "force": false, "sources": sources], token: token)
        #expect(status == 409 && body.contains("stale plan"), "\(body)")
        (status, body) = try await apply(["baseGeneration": 1, "checksum": "000000000000", "force": false, "sources": sources], token: token)
        #expect(status == 409 && body.contains("the plan changed"), "\(body)")
        (status, body) = try await apply(["baseGeneration": 1, "force": false, "sources": [["path": "zone.yaml", "text": "kind: Zone"]]], token: token)
        #expect(status == 422 && body.contains("invalid manifests"), "\(body)")
        (status, _) = try await apply(["baseGeneration": 1, "force": false, "sources": sources], token: token)
        #expect(status == 200)
        #expect(try dig(["www.example.test", "A"], port: controller.port).answer == ["www.example.test. 300 IN A 192.0.2.7"])

        // Reads on loopback need no token: metrics count what just happened, the status page shows it.
        let (metrics, _) = try await URLSession.shared.data(from: URL(string: controller.adminURL + "/metrics")!)
        let exposition = String(decoding: metrics, as: UTF8.self)
        for line in ["switchyard_generation 2.0", "switchyard_reconcile_runs_total{result=\"stale\"} 2",
                     "switchyard_reconcile_runs_total{result=\"invalid\"} 1", "switchyard_reconcile_runs_total{result=\"applied\"} 2",
                     "switchyard_dns_responses_total{rcode=\"NOERROR\"} ", "switchyard_store_errors_total 0",
                     "switchyard_outbox_deliveries{state=\"pending\"} 0", "switchyard_outbox_deliveries{state=\"failed\"} 0",
                     "switchyard_git_last_fetch_timestamp_seconds 0", "switchyard_drift_total 0"] {
            #expect(exposition.contains(line), "\(line)\n\(exposition)")
        }
        let (page, _) = try await URLSession.shared.data(from: URL(string: controller.adminURL + "/")!)
        #expect(String(decoding: page, as: UTF8.self).contains("Generation 2"))

        // Deleting 10 of 12 records needs --force; the refusal names how many and which.
        try Self.write(Self.zone(www: "192.0.2.7"), to: manifests)
        let refused = try Self.cli(["reconcile", "--manifests", manifests.path], controller: controller)
        #expect(refused.status == 1)
        #expect(refused.output.contains("deletes or updates 10 of the 12 records of example.test (83%, more than 30%): host0 A, host1 A"),
                "\(refused.output)")
        #expect(try dig(["host3.example.test", "A"], port: controller.port).answer == ["host3.example.test. 300 IN A 192.0.2.4"])
        let forced = try Self.cli(["reconcile", "--manifests", manifests.path, "--force"], controller: controller)
        #expect(forced.status == 0, "\(forced.output)")
        #expect(try dig(["host3.example.test", "A"], port: controller.port).status == "NXDOMAIN")
    }

    @Test func aConfigAppliedFromElsewhereIsPutBackAsDrift() async throws {
        let manifests = try temporaryDirectory("drift")
        let proposed = try temporaryDirectory("drift-proposed")
        defer { for directory in [manifests, proposed] { try? FileManager.default.removeItem(at: directory) } }
        try Self.write(Self.zone(), to: manifests)
        try Self.write(Self.zone(www: "192.0.2.99"), to: proposed)
        let controller = try ControllerProcess(manifests: manifests, interval: "1s")
        let applied = try Self.cli(["reconcile", "--manifests", proposed.path], controller: controller)
        #expect(applied.output.contains("applied as generation 2"), "\(applied.output)")

        // Within an interval or two the manifests are applied again over it, as generation 3.
        var served: [String] = []
        for _ in 0..<100 {  // at most 10 s
            served = try dig(["www.example.test", "A"], port: controller.port).answer
            if served == ["www.example.test. 300 IN A 192.0.2.1"] { break }
            usleep(100_000)
        }
        #expect(served == ["www.example.test. 300 IN A 192.0.2.1"], "\(controller.log)")
        #expect(controller.waitForLog(containing: ["drift: the live config had been applied from elsewhere", "changes=~ Zone/example.test www A"]),
                "\(controller.log)")
        let newest = try Self.cli(["events", "--limit", "1"], controller: controller).output
        #expect(newest.hasSuffix("drift put back 1 changes made elsewhere: generation 2 → generation 3\n"), "\(newest)")
        let (metrics, _) = try await URLSession.shared.data(from: URL(string: controller.adminURL + "/metrics")!)
        let exposition = String(decoding: metrics, as: UTF8.self)
        for line in ["switchyard_drift_total 1", "switchyard_generation 3.0"] {
            #expect(exposition.contains(line), "\(line)\n\(exposition)")
        }
        let status = try Self.cli(["status"], controller: controller).output
        #expect(status.hasPrefix("generation 3"), "\(status)")
    }

    @Test func killedDuringApplyRestartsConsistent() throws {
        // The controller watches its own copy of the first config. Each proposed config changes every
        // record, so going back to the controller's copy is refused without --force: after a restart it
        // serves exactly what the store holds.
        let manifests = try temporaryDirectory("crash")
        let proposed = try temporaryDirectory("crash-proposed")
        let data = try temporaryDirectory("crash-data")
        defer { for directory in [manifests, proposed, data] { try? FileManager.default.removeItem(at: directory) } }
        try Self.write(Self.zone(www: "192.0.2.1", extra: 3000), to: manifests)
        var served = (generation: 1, www: "192.0.2.1", hostNetwork: 2)
        for round in 0..<3 {
            let controller = try ControllerProcess(manifests: manifests, interval: "1h", dataDirectory: data)
            let next = (www: "192.0.2.\(100 + round)", hostNetwork: 10 + round)
            try Self.write(Self.zone(www: next.www, extra: 3000, hostNetwork: next.hostNetwork), to: proposed)
            let cli = Process()
            cli.executableURL = repositoryRoot.appendingPathComponent(".build/debug/switchyard")
            cli.arguments = ["reconcile", "--manifests", proposed.path, "--force", "--server", controller.adminURL, "--data-dir", data.path]
            cli.standardOutput = FileHandle.nullDevice
            try cli.run()
            usleep(UInt32(200_000 + round * 200_000))  // somewhere in planning, sending or applying
            controller.kill9()
            cli.waitUntilExit()

            let restarted = try ControllerProcess(manifests: manifests, interval: "1h", dataDirectory: data)
            let generation = try #require(Self.generation(try Self.cli(["status", "--output", "json"], controller: restarted).output))
            if generation == served.generation + 1 {
                served = (generation, next.www, next.hostNetwork)
            }
            // Either the old generation or the new one, whole: its www and its hosts go together.
            #expect(generation == served.generation, "round \(round)")
            #expect(try dig(["www.example.test", "A"], port: restarted.port).answer == ["www.example.test. 300 IN A \(served.www)"],
                    "round \(round), generation \(generation)")
            #expect(try dig(["host7.example.test", "A"], port: restarted.port).answer
                    == ["host7.example.test. 300 IN A 192.0.\(served.hostNetwork).8"], "round \(round), generation \(generation)")
            restarted.stop()
        }
    }

    static func generation(_ json: String) -> Int? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return nil }
        return object["generation"] as? Int
    }
}

/// Every kind, through the real controller: after an apply, planning the same manifests is empty.
@Suite("Reconcile every kind")
struct ReconcileEveryKindTests {
    @Test func planAfterApplyIsEmptyForEveryKind() throws {
        let live = try temporaryDirectory("kinds")
        let proposed = try temporaryDirectory("kinds-proposed")
        defer { for directory in [live, proposed] { try? FileManager.default.removeItem(at: directory) } }
        for directory in [live, proposed] {
            _ = try run("cp", ["-r", repositoryRoot.appendingPathComponent("manifests").path + "/.", directory.path])
        }
        let controller = try ControllerProcess(manifests: live, interval: "1h")
        func plan(_ extra: [String] = ["--dry-run", "--detailed-exitcode"]) throws -> (status: Int32, output: String) {
            try ReconcileEndToEndTests.cli(["reconcile", "--manifests", proposed.path] + extra, controller: controller)
        }
        let first = try plan()
        #expect(first.status == 0, "the examples as applied plan to nothing:\n\(first.output)")

        // One field of every kind changes.
        let edits = [("zones/example.com.yaml", "retry: 600", "retry: 900"), ("monitors/web.yaml", "interval: 10s", "interval: 20s"),
                     ("policies/www.yaml", "ttl: 60 ", "ttl: 90 "), ("policies/api.yaml", "answers: 1", "answers: 2"),
                     ("policies/geo.yaml", "ttl: 60", "ttl: 45"),
                     ("notifiers/oncall.yaml", "events: [failover, failback, allDown, recovered, reconcileFailed, drift, targetPushed, targetFailed]",
                      "events: [failover, allDown]")]
        for (file, old, new) in edits {
            let url = proposed.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.contains(old), "\(file) has no \(old)")
            try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
        }
        let changed = try plan()
        #expect(changed.status == 2)
        for resource in ["~ Zone/example.com\n", "~ Monitor/web", "~ FailoverPolicy/www", "~ WeightedPolicy/api", "~ GeoPolicy/geo", "~ Notifier/oncall"] {
            #expect(changed.output.contains(resource), "\(resource)\n\(changed.output)")
        }
        let applied = try plan([])
        #expect(applied.status == 0, "\(applied.output)")
        let again = try plan()
        #expect(again.status == 0, "planning right after the apply must be empty:\n\(again.output)")
    }
}

/// `--git-sync`: the controller fast-forwards its manifests checkout and records the commit.
@Suite("Git sync")
struct GitSyncTests {
    @Test func pushedChangeIsPulledAppliedAndRecorded() throws {
        let root = try temporaryDirectory("git")
        defer { try? FileManager.default.removeItem(at: root) }
        let (origin, checkout, author) = (root.appendingPathComponent("origin.git"), root.appendingPathComponent("checkout"),
                                          root.appendingPathComponent("author"))
        func git(_ arguments: [String], in directory: URL? = nil) throws {
            let result = try run("git", (directory.map { ["-C", $0.path] } ?? [])
                                 + ["-c", "user.name=test", "-c", "user.email=test@example.test", "-c", "init.defaultBranch=main"] + arguments)
            try #require(result.status == 0, "git \(arguments): \(result.output)")
        }
        try git(["init", "--bare", origin.path])
        try git(["clone", origin.path, author.path])
        try ReconcileEndToEndTests.write(ReconcileEndToEndTests.zone(), to: author)
        try git(["add", "."], in: author)
        try git(["commit", "-m", "first"], in: author)
        try git(["push", "origin", "HEAD:main"], in: author)
        try git(["clone", "--branch", "main", origin.path, checkout.path])

        let controller = try ControllerProcess(manifests: checkout, interval: "1s", extraArguments: ["--git-sync"])
        #expect(try dig(["www.example.test", "A"], port: controller.port).answer == ["www.example.test. 300 IN A 192.0.2.1"])

        try ReconcileEndToEndTests.write(ReconcileEndToEndTests.zone(www: "192.0.2.42"), to: author)
        try git(["commit", "-am", "move www"], in: author)
        try git(["push", "origin", "HEAD:main"], in: author)
        let head = try run("git", ["-C", author.path, "rev-parse", "--short=12", "HEAD"]).output.trimmingCharacters(in: .whitespacesAndNewlines)

        var served: [String] = []
        for _ in 0..<100 {  // at most 10 s
            served = try dig(["www.example.test", "A"], port: controller.port).answer
            if served == ["www.example.test. 300 IN A 192.0.2.42"] { break }
            usleep(100_000)
        }
        #expect(served == ["www.example.test. 300 IN A 192.0.2.42"], "\(controller.log)")
        let status = try ReconcileEndToEndTests.cli(["status"], controller: controller)
        #expect(status.output.hasPrefix("generation 2, revision \(head)"), "\(status.output)")
    }
}
