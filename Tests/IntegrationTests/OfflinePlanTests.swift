import Foundation
import SwitchyardTesting
import Testing

/// `switchyard state export` and `reconcile --dry-run --state FILE`: a plan made from the exported file,
/// with the controller gone and no token, is the plan the controller would have given, in every format,
/// with the same exit codes; the file matches its schema and holds no secret.
@Suite("Offline plans")
struct OfflinePlanTests {
    @Test func theExportedStatePlansLikeTheController() throws {
        let directory = try temporaryDirectory("offline-plan")
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifests = directory.appendingPathComponent("manifests")
        let proposed = directory.appendingPathComponent("proposed")
        for path in [manifests, proposed] { try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true) }
        let notifier = """
            ---
            apiVersion: switchyard.io/v1
            kind: Notifier
            metadata: {name: oncall}
            spec: {webhook: {url: "https://hooks.example.net/dns", secretFrom: "env:OFFLINE_PLAN_WEBHOOK_SECRET"}}
            """
        try (WhatIfPlanTests.manifests + "\n" + notifier).write(to: manifests.appendingPathComponent("all.yaml"), atomically: true, encoding: .utf8)
        try (WhatIfPlanTests.manifests.replacingOccurrences(of: "ttl: 60", with: "ttl: 120") + "\n" + notifier)
            .write(to: proposed.appendingPathComponent("all.yaml"), atomically: true, encoding: .utf8)
        let secret = "do-not-leak-7f3a9c"
        let controller = try ControllerProcess(manifests: manifests, environment: ["OFFLINE_PLAN_WEBHOOK_SECRET": secret])
        let stateFile = directory.appendingPathComponent("state.json")
        let exported = try ReconcileEndToEndTests.cli(["state", "export", "--output", stateFile.path], controller: controller)
        #expect(exported.status == 0, "\(exported.output)")

        var online: [String: (status: Int32, output: String)] = [:]
        for format in ["text", "json", "markdown"] {
            online[format] = try ReconcileEndToEndTests.cli(["reconcile", "--manifests", proposed.path, "--dry-run", "--detailed-exitcode",
                                                             "--output", format, "--assume-down", "web/127.0.0.10"], controller: controller)
        }
        controller.stop()

        let state = try String(contentsOf: stateFile, encoding: .utf8)
        #expect(!state.contains(secret) && state.contains("env:OFFLINE_PLAN_WEBHOOK_SECRET"), "the state holds references, not secrets")
        let checked = try run(repositoryRoot.appendingPathComponent(".build-venv/bin/check-jsonschema").path,
                              ["--schemafile", repositoryRoot.appendingPathComponent("schemas/state.schema.json").path, stateFile.path])
        #expect(checked.status == 0, "\(checked.output)")

        // The controller is gone and there is no token: the file is all the plan needs.
        let switchyard = repositoryRoot.appendingPathComponent(".build/debug/switchyard").path
        for format in ["text", "json", "markdown"] {
            let offline = try run(switchyard, ["reconcile", "--manifests", proposed.path, "--dry-run", "--detailed-exitcode", "--output", format,
                                               "--assume-down", "web/127.0.0.10", "--state", stateFile.path,
                                               "--server", "http://127.0.0.1:9", "--data-dir", directory.appendingPathComponent("none").path])
            #expect(offline.status == 2 && offline.status == online[format]?.status, "\(format): \(offline.output)")
            #expect(offline.output == online[format]?.output, "\(format) offline:\n\(offline.output)\nonline:\n\(online[format]?.output ?? "")")
        }
        let applying = try run(switchyard, ["reconcile", "--manifests", proposed.path, "--state", stateFile.path])
        #expect(applying.status == 64 && applying.output.contains("it goes with --dry-run"), "\(applying.output)")
        try "{}".write(to: stateFile, atomically: true, encoding: .utf8)
        let broken = try run(switchyard, ["reconcile", "--manifests", proposed.path, "--dry-run", "--state", stateFile.path])
        #expect(broken.status == 1 && broken.output.contains("not a state file"), "\(broken.output)")
    }
}
