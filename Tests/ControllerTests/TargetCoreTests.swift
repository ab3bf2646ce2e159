import DNSWire
import Model
import Monitor
import Synchronization
import Targets
import Testing
@testable import Controller

/// The control core with a Target: every snapshot hands the target service what to push, and what the
/// service reports becomes events for the policy's notifiers (a recovery only a report).
@Suite("Control core: targets")
struct TargetCoreTests {
    static let candidate = Candidate.compiling([SourceFile(path: "corp.yaml", text: """
        apiVersion: switchyard.io/v1
        kind: Target
        metadata: {name: corp}
        spec: {zone: corp.test., server: "127.0.0.1:5300", tsigKey: {name: switchyard, secretFrom: "env:CORP_TSIG"}}
        ---
        apiVersion: switchyard.io/v1
        kind: Monitor
        metadata: {name: web}
        spec: {protocol: http, port: 80, interval: 1s, timeout: 500ms, failureThreshold: 1, successThreshold: 1}
        ---
        apiVersion: switchyard.io/v1
        kind: FailoverPolicy
        metadata: {name: app}
        spec:
          zone: corp.test
          name: app
          type: A
          monitor: web
          tiers: [{name: primary, endpoints: [127.0.0.1]}, {name: secondary, endpoints: [127.0.0.2]}]
          notify: [hook]
        ---
        apiVersion: switchyard.io/v1
        kind: Notifier
        metadata: {name: hook}
        spec: {webhook: {url: "http://127.0.0.1:9/hook"}}
        """)], revision: "r1")

    static func set(_ address: String, ttl: UInt32 = 60) throws -> TargetRecordSet {
        TargetRecordSet(target: "corp", policy: PolicyID(.failover, "app"), owner: try Name("app.corp.test."), type: .a, ttl: ttl,
                        data: [.a(IPv4Address(address)!)])
    }

    @Test func pushesFollowSnapshotsAndOutcomesBecomeEvents() throws {
        let counter = Mutex(0)
        var core = ControlCore(settings: .init(interval: .seconds(30)), now: ControlCoreTests.at(0),
                               makeID: { counter.withLock { $0 += 1; return "id\($0)" } })
        _ = core.step(.manifests(Self.candidate), now: ControlCoreTests.at(1))
        let installed = core.step(.committed(.success(1)), now: ControlCoreTests.at(2))
        #expect(installed.map(\.label).prefix(3) == ["keys: switchyard.", "serve ", "push 1 RRsets to 1 targets"])
        guard case .push(let targets, let sets)? = installed.first(where: { if case .push = $0 { true } else { false } }) else {
            Issue.record("no push"); return
        }
        let expected = try Self.set("127.0.0.1")
        #expect(targets.map(\.name) == ["corp"] && sets == [expected])

        // The primary goes down: the next snapshot pushes the secondary.
        let key = EndpointKey(monitor: "web", value: .address(IPAddress("127.0.0.1")!))
        let down = core.step(.health(HealthUpdate(health: HealthTable([key: .down]),
                                                  changes: [HealthChange(endpoint: key, from: .up, to: .down, causes: [], time: ControlCoreTests.at(5))])),
                             now: ControlCoreTests.at(5))
        guard case .push(_, let after)? = down.first(where: { if case .push = $0 { true } else { false } }) else {
            Issue.record("no push after the health change: \(down.map(\.label))"); return
        }
        let secondary = try Self.set("127.0.0.2", ttl: 30)  // degraded: half the TTL, as served
        #expect(after == [secondary])

        let pushed = core.step(.target("corp", .pushed(try Self.set("127.0.0.2"), before: [.a(IPv4Address("127.0.0.1")!)],
                                                       after: [.a(IPv4Address("127.0.0.2")!)])), now: ControlCoreTests.at(6))
        #expect(pushed.map(\.label) == ["report target corp pushed app.corp.test. A: 127.0.0.1 → 127.0.0.2",
                                        "record targetPushed FailoverPolicy/app → 1 deliveries"])
        let failed = core.step(.target("corp", .failed(try Self.set("127.0.0.2"), error: "the target refused the UPDATE: REFUSED", holds: nil)),
                               now: ControlCoreTests.at(7))
        #expect(failed.map(\.label) == ["report target corp failed at app.corp.test. A: the target refused the UPDATE: REFUSED",
                                        "record targetFailed FailoverPolicy/app → 1 deliveries"])
        let recovered = core.step(.target("corp", .recovered(try Self.set("127.0.0.2"))), now: ControlCoreTests.at(8))
        #expect(recovered.map(\.label) == ["report target corp recovered at app.corp.test. A"])
    }
}
