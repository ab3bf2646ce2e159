import AdminAPI
import DNSWire
import Model
import Monitor
import Synchronization
import Testing
@testable import Controller

/// The control core as a fleet node (fra, iad, sin; quorum 2): its own verdicts and its peers' decide
/// the answers together. Time is seconds after `ControlCoreTests.start`; nothing sleeps.
@Suite("Fleet control core")
struct FleetCoreTests {
    static let at = ControlCoreTests.at
    static let serial = ControlCoreTests.serial

    static func manifests(node nodes: [String] = ["fra", "iad", "sin"], interval: String = "1s", revision: String = "r1") -> Candidate {
        let text = """
            apiVersion: switchyard.io/v1
            kind: Fleet
            metadata: {name: prod}
            spec:
              nodes: [\(nodes.map { "{name: \($0), admin: \"http://\($0).test:8053\"}" }.joined(separator: ", "))]
              tokenFrom: env:FLEET_TOKEN
            ---
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.test}
            spec: {ttl: 300, soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1]}
            ---
            apiVersion: switchyard.io/v1
            kind: Monitor
            metadata: {name: web}
            spec: {protocol: http, port: 80, interval: \(interval), timeout: 500ms, failureThreshold: 1, successThreshold: 1, quorum: \(min(2, nodes.count)), staleAfter: 3s}
            ---
            apiVersion: switchyard.io/v1
            kind: FailoverPolicy
            metadata: {name: www}
            spec:
              zone: example.test
              name: www
              type: A
              ttl: 60
              monitor: web
              tiers: [{name: primary, endpoints: [127.0.0.1]}, {name: secondary, endpoints: [127.0.0.2]}]
              notify: [hook]
            ---
            apiVersion: switchyard.io/v1
            kind: Notifier
            metadata: {name: hook}
            spec: {webhook: {url: "http://127.0.0.1:9/hook"}}
            """
        return Candidate.compiling([SourceFile(path: "all.yaml", text: text)], revision: revision)
    }

    static let primary = EndpointKey(monitor: "web", value: .address(IPAddress("127.0.0.1")!))
    static let definition = try! #require(manifests().state?.monitors.first?.probeFingerprint)

    /// This node's monitor: `state` for the primary, changed at `seconds`.
    static func own(_ state: HealthState, from: HealthState = .unknown, at seconds: Int64) -> ControlInput {
        .health(HealthUpdate(health: HealthTable([primary: state]),
                             changes: [HealthChange(endpoint: primary, from: from, to: state, causes: [], time: at(seconds))]))
    }

    /// A round of pulls at `seconds`: each peer's verdict on the primary (since `since`), or nil for a
    /// failed pull.
    static func round(at seconds: Int64, _ peers: [String: (HealthState, since: Int64)?], definition: String = definition) -> ControlInput {
        var pulls: [String: Result<PeerVerdicts, PullFailure>] = [:]
        for (node, verdict) in peers {
            guard let verdict else {
                pulls[node] = .failure(PullFailure(message: "connection refused"))
                continue
            }
            let verdicts = AdminAPI.Verdicts(node: node, revision: "r1", generation: 1, monitors: [
                .init(name: "web", definition: definition, endpoints: [
                    .init(endpoint: "127.0.0.1", state: verdict.0.rawValue, since: at(verdict.since).millisecondsSince1970,
                          ok: verdict.0 == .up, detail: verdict.0 == .up ? "HTTP 200" : "timeout after 500ms", latencyMilliseconds: 3),
                ]),
            ], delivered: [], pending: [])
            pulls[node] = .success(PeerVerdicts(verdicts, pulledAt: at(seconds)))
        }
        return .fleet(FleetRound(pulls: pulls, ownResults: [:]))
    }

    /// A core for `node`, generation 1 live (applied at 1, stored at 2), and the inputs after that.
    static func core(_ node: String?, _ inputs: [(ControlInput, Int64)] = []) -> (ControlCore, [String]) {
        let counter = Mutex(0)
        var core = ControlCore(settings: .init(interval: .seconds(30), node: node), now: at(0),
                               makeID: { counter.withLock { $0 += 1; return "id\($0)" } })
        var labels: [String] = []
        for (input, seconds) in [(ControlInput.manifests(manifests()), 1), (.committed(.success(1)), 2)] + inputs {
            labels = core.step(input, now: at(seconds)).map(\.label)
        }
        return (core, labels)
    }

    @Test func oneLocationSeeingItDownChangesNothing() {
        let (core, labels) = Self.core("fra", [(Self.own(.down, at: 10), 10)])
        #expect(labels == ["report verdict web/127.0.0.1 unknown → down"])
        #expect(core.fleet.stale.contains(Self.primary))
        let (_, after) = Self.core("fra", [(Self.own(.down, at: 10), 10), (Self.round(at: 11, ["iad": (.up, 5), "sin": (.up, 5)]), 11)])
        // Up by quorum (two of three fresh locations see it up): served as before, no event.
        #expect(after == ["serve example.test. \(Self.serial(2))", "report health web/127.0.0.1 unknown → up", "record health web/127.0.0.1 up"])
    }

    @Test func twoLocationsFailItOverWithTheSameEventOnEveryNode() throws {
        let inputs: [(ControlInput, Int64)] = [(Self.own(.down, at: 10), 10), (Self.round(at: 12, ["iad": (.down, 11), "sin": (.up, 5)]), 12)]
        let (fra, labels) = Self.core("fra", inputs)
        #expect(labels.contains("serve example.test. \(Self.serial(12))"))
        #expect(labels.contains("report failover FailoverPolicy/www"))
        // iad sees the same verdicts from the other side: fra's down (since 10) pulled, its own down at 11.
        let (iad, _) = Self.core("iad", [(Self.own(.down, at: 11), 11), (Self.round(at: 13, ["fra": (.down, 10), "sin": (.up, 5)]), 13)])
        let ids = try [fra, iad].map { core in try #require(Self.events(core).first) }
        #expect(ids[0] == ids[1])
        #expect(ids[0] != "id1")
    }

    @Test func cutOffFromItsPeersANodeHoldsWhatItServes() {
        let (core, labels) = Self.core("fra", [(Self.round(at: 5, ["iad": (.up, 1), "sin": (.up, 1)]), 5),
                                               (Self.own(.down, at: 10), 10), (.tick, 20)])
        // Its peers went stale (last pulled at 5, staleAfter 3s): its own down is one vote of the two needed.
        #expect(labels.allSatisfy { $0.hasPrefix("prune") })
        #expect(core.health.states[Self.primary] == .up)
        #expect(core.fleet.stale.contains(Self.primary))
        #expect(core.fleetPublication(now: Self.at(20))?.peers.map(\.fresh) == [false, false])
    }

    @Test func verdictsOfAnotherMonitorDefinitionDoNotCount() {
        let (core, labels) = Self.core("fra", [(Self.own(.down, at: 10), 10),
                                               (Self.round(at: 12, ["iad": (.down, 11), "sin": (.up, 5)], definition: "0000000000000000"), 12)])
        #expect(!labels.contains("report failover FailoverPolicy/www"))
        #expect(core.fleet.evidence[Self.primary]?.map(\.sameDefinition) == [true, false, false])
    }

    @Test func aNodeTheFleetDoesNotListAppliesNothing() {
        var outsider = ControlCore(settings: .init(interval: .seconds(30), node: "lon"), now: Self.at(0), makeID: { "id" })
        #expect(outsider.step(.manifests(Self.manifests()), now: Self.at(1)).map(\.label)
            .contains("report rejected from manifests: invalid manifests: nothing applied"))
        #expect(outsider.fleetMembershipProblem(Self.manifests().state!)
            == "this controller is fleet node \"lon\" (--node), which Fleet/prod does not list (nodes: fra, iad, sin)")
        var core = ControlCore(settings: .init(interval: .seconds(30)), now: Self.at(0), makeID: { "id" })
        #expect(core.fleetMembershipProblem(Self.manifests().state!) == "Fleet/prod has 3 nodes: start the controller with --node NAME to say which one this is")
        #expect(core.fleetMembershipProblem(Self.manifests(node: ["solo"]).state!) == nil)
        _ = core.step(.manifests(Self.manifests(node: ["solo"])), now: Self.at(1))
        #expect(!core.isFleet)
    }

    /// After a restart the monitor starts from the stored health and reports only changes: the node's
    /// own vote starts from the same health, so it counts before anything changes.
    @Test func aRestartedNodeVotesWithTheHealthItStartsFrom() throws {
        let desired = try #require(Self.manifests().state)
        let core = ControlCore(settings: .init(interval: .seconds(30), node: "fra"), live: .init(desired: desired, generation: 3),
                               health: HealthTable([Self.primary: .up]), now: Self.at(0), makeID: { "id" })
        #expect(core.fleet.own.states == [Self.primary: .up])
        let outsider = ControlCore(settings: .init(interval: .seconds(30)), live: .init(desired: desired, generation: 3),
                                   health: HealthTable([Self.primary: .up]), now: Self.at(0), makeID: { "id" })
        #expect(outsider.fleet.own.states.isEmpty)
    }

    static func events(_ core: ControlCore) -> [String] {
        core.fleet.recentIDs.keys.sorted()
    }
}
