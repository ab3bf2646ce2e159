import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SwitchyardTesting
import Testing

/// The control plane under faults: a git remote that hangs, a force-pushed upstream, a second controller
/// on the same data directory. Health must reach the answers whatever the rest is doing.
@Suite("Control plane under faults")
struct ControlPlaneTests {
    static func git(_ arguments: [String], in directory: URL? = nil) throws {
        let result = try run("git", (directory.map { ["-C", $0.path] } ?? [])
                             + ["-c", "user.name=test", "-c", "user.email=test@example.test", "-c", "init.defaultBranch=main"] + arguments)
        try #require(result.status == 0, "git \(arguments): \(result.output)")
    }

    static func events(_ controller: ControllerProcess) throws -> [String] {
        try ReconcileEndToEndTests.cli(["events", "--limit", "1000"], controller: controller).output.split(separator: "\n").map(String.init)
    }

    /// Polls `dig` (every 50 ms, at most `timeout` seconds) until `name` answers `expected`; returns the
    /// seconds it took, or nil.
    static func waitForAnswer(_ name: String, _ expected: String, port: Int, timeout: TimeInterval = 15) throws -> TimeInterval? {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            if try dig([name, "A"], port: port).answer.map({ $0.split(separator: " ").last.map(String.init) ?? "" }) == [expected] {
                return Date().timeIntervalSince(start)
            }
            usleep(50_000)
        }
        return nil
    }

    @Test func aHungGitRemoteNeverDelaysFailover() throws {
        let port = try freeLoopbackPort()
        let primary = try ProbePeer(.http, host: "127.0.0.1", port: port)
        let secondary = try ProbePeer(.http, host: "127.0.0.2", port: port)
        let remote = try SilentListener()
        let checkout = try temporaryDirectory("git-hung")
        defer { try? FileManager.default.removeItem(at: checkout) }
        // A checkout whose upstream accepts the connection and never answers.
        try Self.git(["init", checkout.path])
        // A failover policy probed every second, down after two failures.
        try NotificationTests.writeManifests(to: checkout, port: port, receiver: nil)
        try Self.git(["add", "."], in: checkout)
        try Self.git(["commit", "-m", "first"], in: checkout)
        try Self.git(["remote", "add", "origin", "http://127.0.0.1:\(remote.port)/manifests.git"], in: checkout)
        try Self.git(["config", "branch.main.remote", "origin"], in: checkout)
        try Self.git(["config", "branch.main.merge", "refs/heads/main"], in: checkout)

        let controller = try ControllerProcess(manifests: checkout, interval: "1s",
                                               extraArguments: ["--git-sync", "--git-timeout", "2s", "--log-level", "debug"])
        #expect(try Self.waitForAnswer("www.example.test", "127.0.0.1", port: controller.port) != nil)
        // A fetch is hanging on the remote now.
        for _ in 0..<100 where remote.connections == 0 { usleep(100_000) }
        try #require(remote.connections > 0, "git never reached the remote:\n\(controller.log)")

        primary.stop()
        let flipped = try Self.waitForAnswer("www.example.test", "127.0.0.2", port: controller.port)
        // Probes every 1 s, down after 2 failures: at most 2 s to the verdict, and 1 s of slack.
        let bound: TimeInterval = 1 * 2 + 1
        #expect(flipped.map { $0 <= bound } == true, "flipped after \(flipped.map { "\($0)" } ?? "never") s:\n\(controller.log)")

        // Fetches go on timing out (each killed after 2 s, then retried with backoff): reported once.
        #expect(controller.waitForLog(containing: ["git sync still failing"], timeout: 20), "\(controller.log)")
        let failures = try Self.events(controller).filter { $0.contains(" reconcileFailed ") }
        #expect(failures.count == 1, "\(failures)")
        #expect(failures.first?.contains("git fetch in \(checkout.path) timed out after 2.00 s and was stopped") == true, "\(failures)")
        #expect(controller.log.components(separatedBy: "git sync failed; the checkout stays as it is").count == 2, "\(controller.log)")
        // Stopping the controller stops the fetch in flight: no git is left behind, hanging on the remote.
        controller.stop()
        #expect(controller.exitStatus == 0)
        var left = ""
        for _ in 0..<20 {
            left = try run("pgrep", ["-f", "git -C \(checkout.path)"]).output
            if left.isEmpty { break }
            usleep(100_000)
        }
        #expect(left.isEmpty, "git processes left: \(left)")
        _ = secondary
    }

    @Test func aForcePushIsFollowedWithResetAndRefusedOnceWithFastForward() throws {
        let root = try temporaryDirectory("git-force")
        defer { try? FileManager.default.removeItem(at: root) }
        let (origin, author) = (root.appendingPathComponent("origin.git"), root.appendingPathComponent("author"))
        let (resetting, fastForward) = (root.appendingPathComponent("reset"), root.appendingPathComponent("ff"))
        try Self.git(["init", "--bare", origin.path])
        try Self.git(["clone", origin.path, author.path])
        try Self.git(["commit", "--allow-empty", "-m", "base"], in: author)
        try ReconcileEndToEndTests.write(ReconcileEndToEndTests.zone(www: "192.0.2.1"), to: author)
        try Self.git(["add", "."], in: author)
        try Self.git(["commit", "-m", "www on 192.0.2.1"], in: author)
        try Self.git(["push", "origin", "HEAD:main"], in: author)
        for checkout in [resetting, fastForward] { try Self.git(["clone", "--branch", "main", origin.path, checkout.path]) }
        let following = try ControllerProcess(manifests: resetting, interval: "1s", extraArguments: ["--git-sync=reset"])
        let refusing = try ControllerProcess(manifests: fastForward, interval: "1s", extraArguments: ["--git-sync", "--log-level", "debug"])

        // History rewritten upstream: the last commit replaced by another.
        try ReconcileEndToEndTests.write(ReconcileEndToEndTests.zone(www: "192.0.2.77"), to: author)
        try Self.git(["commit", "-a", "--amend", "-m", "rewritten"], in: author)
        try Self.git(["push", "--force", "origin", "HEAD:main"], in: author)

        #expect(try Self.waitForAnswer("www.example.test", "192.0.2.77", port: following.port) != nil, "\(following.log)")
        #expect(refusing.waitForLog(containing: ["git sync failed; the checkout stays as it is", "Not possible to fast-forward"]),
                "\(refusing.log)")
        #expect(refusing.waitForLog(containing: ["git sync still failing"], timeout: 20), "\(refusing.log)")
        let failures = try Self.events(refusing).filter { $0.contains(" reconcileFailed ") }
        #expect(failures.count == 1 && failures.first?.contains("git merge in \(fastForward.path) exited 128") == true, "\(failures)")
        // The last good generation keeps serving.
        #expect(try dig(["www.example.test", "A"], port: refusing.port).answer == ["www.example.test. 300 IN A 192.0.2.1"])
        #expect(try ReconcileEndToEndTests.cli(["status"], controller: refusing).output.hasPrefix("generation 1,"))
    }

    /// The store's disk fills up while the controller runs. (Its files are open, so making the directory
    /// read-only would not stop SQLite: root ignores modes, and a read-only remount is refused while files
    /// are open for writing. A full file system fails every write that needs a new block, which is what
    /// a dying or read-only disk does to SQLite too.)
    @Test func aFullDiskNeitherStopsFailoverNorFloodsTheReceiver() async throws {
        let disk = try SmallDisk(megabytes: 16)
        let port = try freeLoopbackPort()
        let primary = try ProbePeer(.http, host: "127.0.0.1", port: port)
        let secondary = try ProbePeer(.http, host: "127.0.0.2", port: port)
        let directory = try temporaryDirectory("full-disk")
        defer { try? FileManager.default.removeItem(at: directory) }
        // The receiver holds each request 4 s before it answers: long enough to fill the disk meanwhile.
        let receiver = try WebhookReceiver(port: try freeLoopbackPort(), secret: "disk-secret", directory: directory, delay: 4)
        let manifests = directory.appendingPathComponent("manifests")
        try NotificationTests.writeManifests(to: manifests, port: port, receiver: receiver, failureThreshold: 1)
        let controller = try ControllerProcess(manifests: manifests, interval: "1h", dataDirectory: disk.directory,
                                               environment: ["HOOK_SECRET": receiver.secret])
        func deliveries(_ kind: String) -> [String] {
            receiver.deliveries().filter { $0["event"] as? String == kind }.compactMap { $0["delivery"] as? String }
        }
        func storeErrors() async throws -> Double {
            let (data, _) = try await URLSession.shared.data(from: URL(string: controller.adminURL + "/metrics")!)
            let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("switchyard_store_errors_total ") }
            return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? -1
        }

        // The primary fails: the failover event is stored and its delivery is on its way, held by the receiver.
        primary.stop()
        #expect(try Self.waitForAnswer("www.example.test", "127.0.0.2", port: controller.port) != nil)
        var pending = ""
        for _ in 0..<30 {
            pending = try Self.events(controller).first { $0.contains(" failover ") && $0.contains("hook/webhook pending") } ?? ""
            if !pending.isEmpty { break }
            usleep(100_000)
        }
        try #require(!pending.isEmpty, "the failover event and its delivery were not recorded:\n\(controller.log)")
        #expect(try await storeErrors() == 0)

        // The disk fills while the delivery is in flight; then the primary recovers.
        try disk.fill()
        try primary.start()
        // DNS keeps answering, and failback still reaches the answers.
        #expect(try Self.waitForAnswer("www.example.test", "127.0.0.1", port: controller.port) != nil, "\(controller.log)")
        // The delivery arrives once; that it arrived cannot be stored, and it is not sent again.
        for _ in 0..<100 where deliveries("failover").isEmpty { usleep(100_000) }
        sleep(5)
        #expect(deliveries("failover").count == 1, "\(receiver.deliveries())\n\(controller.log)")
        #expect(deliveries("failback").isEmpty, "the failback event could not be stored, so it is not delivered yet")
        #expect(try await storeErrors() > 0)
        #expect(controller.log.contains("the store could not record health, events or deliveries; retrying with backoff"), "\(controller.log)")

        // Space again: what was held is stored, and every event is delivered once.
        disk.free()
        for _ in 0..<300 where deliveries("failback").isEmpty { usleep(100_000) }
        sleep(3)
        #expect(deliveries("failover").count == 1 && deliveries("failback").count == 1, "\(receiver.deliveries())")
        #expect(receiver.deliveries().allSatisfy { $0["duplicate"] as? Bool == false })
        let events = try Self.events(controller)
        #expect(events.contains { $0.contains(" failover ") && $0.contains("hook/webhook delivered") }, "\(events)")
        #expect(events.contains { $0.contains(" failback ") && $0.contains("hook/webhook delivered") }, "\(events)")
        _ = secondary
    }

    @Test func aSecondControllerOnTheSameDataDirectoryExitsAtOnce() throws {
        let manifests = try temporaryDirectory("lock")
        defer { try? FileManager.default.removeItem(at: manifests) }
        try ReconcileEndToEndTests.write(ReconcileEndToEndTests.zone(), to: manifests)
        let first = try ControllerProcess(manifests: manifests, interval: "1h")
        let second = try run(repositoryRoot.appendingPathComponent(".build/debug/switchyard").path,
                             ["controller", "--manifests", manifests.path, "--data-dir", first.dataDirectory.path,
                              "--dns-listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"], timeout: 20)
        #expect(second.status == 1)
        #expect(second.output.contains("switchyard: another controller (pid \(first.pid)) holds \(first.dataDirectory.path)"), "\(second.output)")
        // The first goes on as before.
        #expect(first.isRunning)
        #expect(try dig(["www.example.test", "A"], port: first.port).answer == ["www.example.test. 300 IN A 192.0.2.1"])
        #expect(try ReconcileEndToEndTests.cli(["status"], controller: first).output.hasPrefix("generation 1"))
    }
}
