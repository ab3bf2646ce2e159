import AdminAPI
import Authority
import DNSWire
import Model
import Monitor
import Reconcile
import Synchronization
import Testing
@testable import Controller

/// The control loop's decisions as a table: from the state left by `given` (inputs taken in order), the
/// input at `at` gives exactly `effects`, requeue times included. Time is a number of seconds after
/// `start`; nothing sleeps.
@Suite("Control core")
struct ControlCoreTests {
    static let start: Int64 = 1_800_000_000
    static func at(_ seconds: Int64) -> Timestamp { Timestamp(millisecondsSince1970: (start + seconds) * 1000) }
    static func serial(_ seconds: Int64) -> String { "\(start + seconds)" }

    static func manifests(ttl: Int = 60, nameservers: String = "[ns1, ns2]", broken: String? = nil, signed: Bool = false) -> Candidate {
        let text = """
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.test}
            spec:
              ttl: 300
              soa: {primary: ns1, contact: hostmaster}
              nameservers: \(nameservers)
              secondaries: [{address: 192.0.2.53}]\(signed ? "\n  dnssec: {}" : "")
              records: [{name: mail, type: A, values: [192.0.2.25]}]
            ---
            apiVersion: switchyard.io/v1
            kind: Monitor
            metadata: {name: web}
            spec: {protocol: http, port: 80, interval: 1s, timeout: 500ms, failureThreshold: 1, successThreshold: 1}
            ---
            apiVersion: switchyard.io/v1
            kind: FailoverPolicy
            metadata: {name: www}
            spec:
              zone: example.test
              name: www
              type: A
              ttl: \(ttl)
              monitor: web
              tiers: [{name: primary, endpoints: [127.0.0.1]}, {name: secondary, endpoints: [127.0.0.2]}]
              notify: [hook]
            ---
            apiVersion: switchyard.io/v1
            kind: Notifier
            metadata: {name: hook}
            spec: {webhook: {url: "http://127.0.0.1:9/hook"}}
            """ + (broken.map { "\n---\napiVersion: switchyard.io/v1\nkind: Monitor\nmetadata: {name: broken}\nspec: {protocol: \($0)}\n" } ?? "")
        return Candidate.compiling([SourceFile(path: "all.yaml", text: text)], revision: "r1")
    }

    static let valid = manifests()
    static let invalid = manifests(broken: "smtp")
    static let otherInvalid = manifests(broken: "gopher")

    static func admin(_ candidate: Candidate, base: Int, checksum: String? = nil) -> ApplyRequest {
        ApplyRequest(candidate: candidate, baseGeneration: base, checksum: checksum, force: false)
    }

    static func health(_ state: HealthState, _ address: String, from: HealthState, at seconds: Int64) -> ControlInput {
        let key = EndpointKey(monitor: "web", value: .address(IPAddress(address)!))
        return .health(HealthUpdate(health: HealthTable([key: state]), changes: [HealthChange(endpoint: key, from: from, to: state, causes: [],
                                                                                              time: at(seconds))]))
    }

    /// Generation 1 live, applied from the manifests at 1 and stored at 2.
    static let generationOne: [(ControlInput, Int64)] = [(.manifests(valid), 1), (.committed(.success(1)), 2)]

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        var given: [(ControlInput, Int64)] = []
        var flapLimit = 5
        let input: ControlInput
        let at: Int64
        let effects: [String]
        var testDescription: String { name }
    }

    static func core(flapLimit: Int) -> ControlCore {
        let counter = Mutex(0)
        return ControlCore(settings: .init(interval: .seconds(30), flapLimit: flapLimit, flapWindow: .seconds(60)), now: at(0),
                           makeID: { counter.withLock { $0 += 1; return "id\($0)" } })
    }

    static let wwwTTL90 = manifests(ttl: 90)
    static let wwwTTL120 = manifests(ttl: 120)
    static let reviewed = Planner.plan(from: valid.state, to: wwwTTL120.state!, baseGeneration: 1).checksum
    static let invalidManifests = "invalid manifests: nothing applied"
    static let stale = "stale plan: it was made against generation 1, but generation 2 is live"
    static let storeFailed = "the store could not record the apply: nothing applied"
    static let gitTimeout = "git fetch in /srv/manifests timed out after 60.00 s and was stopped"
    static let oneUpdate = "(0 to create, 1 to update, 0 to delete)"
    /// What installing a generation at `seconds` does before it is reported: load the keys, serve, probe,
    /// NOTIFY the zone's secondary.
    static func installedAt(_ seconds: Int64) -> [String] {
        ["keys: none", "serve example.test. \(serial(seconds))", "probe 2 endpoints", "notify example.test. \(serial(seconds)) to 1"]
    }
    static let firstPrune = "prune before \(start + 3 - 30 * 86_400)"

    static let rows: [Row] = [
        // Applies from the manifests.
        Row(name: "nothing applied: the manifests are committed as generation 1", input: .manifests(valid), at: 1,
            effects: ["commit generation 1 from manifests (5 to create, 0 to update, 0 to delete)"]),
        Row(name: "once stored, generation 1 is served, probed and notified", given: [(.manifests(valid), 1)],
            input: .committed(.success(1)), at: 2,
            effects: installedAt(2) + ["report applied generation 1 from manifests (5 to create, 0 to update, 0 to delete)",
                                       "record zone example.test. \(serial(2)) new"]),
        Row(name: "the same manifests compiled again: in sync, nothing to do", given: generationOne, input: .manifests(valid), at: 3,
            effects: ["report unchanged from manifests"]),
        Row(name: "the source saw the live config's bytes: nothing to do", given: generationOne,
            input: .manifestsUnchanged(digest: valid.digest), at: 3, effects: []),
        Row(name: "the source saw bytes the live config no longer has: read and compile again", given: generationOne,
            input: .manifestsUnchanged(digest: 42), at: 3, effects: ["read manifests"]),

        // Failures: reported once, retried with backoff until they clear or the input changes.
        Row(name: "invalid manifests: one event, retry after 1 s", given: generationOne, input: .manifests(invalid), at: 10,
            effects: ["report rejected from manifests: \(invalidManifests)", "record reconcileFailed manifests → 1 deliveries",
                      "requeue after 1.0 seconds"]),
        Row(name: "the retry timer reads the manifests again", given: generationOne + [(.manifests(invalid), 10)], input: .retry, at: 11,
            effects: ["read manifests"]),
        Row(name: "the same failure again: no event, twice the wait", given: generationOne + [(.manifests(invalid), 10)],
            input: .manifests(invalid), at: 11, effects: ["report rejected from manifests again: \(invalidManifests)", "requeue after 2.0 seconds"]),
        Row(name: "and again: four seconds", given: generationOne + [(.manifests(invalid), 10), (.manifests(invalid), 11)],
            input: .manifests(invalid), at: 13, effects: ["report rejected from manifests again: \(invalidManifests)", "requeue after 4.0 seconds"]),
        Row(name: "a different failure is new: one event, the backoff starts over",
            given: generationOne + [(.manifests(invalid), 10), (.manifests(invalid), 11)], input: .manifests(otherInvalid), at: 13,
            effects: ["report rejected from manifests: \(invalidManifests)", "record reconcileFailed manifests → 1 deliveries",
                      "requeue after 1.0 seconds"]),
        Row(name: "valid manifests after a failure are committed", given: generationOne + [(.manifests(invalid), 10)],
            input: .manifests(wwwTTL90), at: 14, effects: ["commit generation 2 from manifests \(oneUpdate)"]),
        Row(name: "once stored, the failure is over", given: generationOne + [(.manifests(invalid), 10), (.manifests(wwwTTL90), 14)],
            input: .committed(.success(2)), at: 15,
            effects: installedAt(15) + ["report applied generation 2 from manifests \(oneUpdate)", "report recovered at generation 2",
                                        "record zone example.test. \(serial(15))"]),
        Row(name: "a retry after the failure cleared does nothing",
            given: generationOne + [(.manifests(invalid), 10), (.manifests(valid), 14)], input: .retry, at: 15, effects: []),
        Row(name: "an unsafe plan from the manifests is refused and retried, not forced", given: generationOne,
            input: .manifests(manifests(nameservers: "[ns1, ns3]")), at: 10,
            effects: ["report rejected from manifests: plan refused without --force", "record reconcileFailed manifests → 1 deliveries",
                      "requeue after 1.0 seconds"]),
        Row(name: "a store that cannot write the generation: reported once, retried", given: generationOne + [(.manifests(wwwTTL90), 10)],
            input: .committed(.failure(StoreFailure(message: "disk I/O error"))), at: 11,
            effects: ["report rejected from manifests: \(storeFailed)", "record reconcileFailed manifests → 1 deliveries",
                      "requeue after 1.0 seconds"]),

        // Applies from the admin API: answered, never retried.
        Row(name: "an admin apply is committed, and answered once stored", given: generationOne,
            input: .apply(4, admin(wwwTTL120, base: 1)), at: 20, effects: ["commit generation 2 from admin API \(oneUpdate)"]),
        Row(name: "the admin apply stored", given: generationOne + [(.apply(4, admin(wwwTTL120, base: 1)), 20)],
            input: .committed(.success(2)), at: 21,
            effects: installedAt(21) + ["report applied generation 2 from admin API \(oneUpdate)", "reply 4: generation 2",
                                        "record zone example.test. \(serial(21))"]),
        Row(name: "an admin apply the store cannot record is answered with the error",
            given: generationOne + [(.apply(4, admin(wwwTTL120, base: 1)), 20)],
            input: .committed(.failure(StoreFailure(message: "disk I/O error"))), at: 21,
            effects: ["report rejected from admin API: \(storeFailed)", "reply 4: \(storeFailed)"]),
        Row(name: "an admin apply whose reviewed checksum is not the plan's", given: generationOne,
            input: .apply(3, admin(wwwTTL120, base: 1, checksum: "000000000000")), at: 20,
            effects: ["report rejected from admin API: the plan changed: its checksum is \(reviewed) now, 000000000000 was reviewed",
                      "reply 3: the plan changed: its checksum is \(reviewed) now, 000000000000 was reviewed"]),
        Row(name: "an admin apply of what is live: unchanged", given: generationOne, input: .apply(5, admin(valid, base: 1)), at: 20,
            effects: ["report unchanged from admin API", "reply 5: generation 1 unchanged"]),

        // While a generation is being written: health flows against the live config, applies wait.
        Row(name: "health during a commit is served at once", given: generationOne + [(.manifests(wwwTTL90), 3)],
            input: health(.down, "127.0.0.1", from: .unknown, at: 4), at: 4,
            effects: ["serve example.test. \(serial(4))", "report health web/127.0.0.1 unknown → down", "report failover FailoverPolicy/www",
                      "record health web/127.0.0.1 down; failover FailoverPolicy/www → 1 deliveries; zone example.test. \(serial(4))",
                      "notify example.test. \(serial(4)) to 1"]),
        Row(name: "an admin apply during a commit waits", given: generationOne + [(.manifests(wwwTTL90), 3)],
            input: .apply(7, admin(wwwTTL120, base: 1)), at: 4, effects: []),
        Row(name: "then finds its plan stale", given: generationOne + [(.manifests(wwwTTL90), 3), (.apply(7, admin(wwwTTL120, base: 1)), 4)],
            input: .committed(.success(2)), at: 5,
            effects: installedAt(5) + ["report applied generation 2 from manifests \(oneUpdate)", "record zone example.test. \(serial(5))",
                                       "report rejected from admin API: \(stale)", "reply 7: \(stale)"]),

        // Git: each distinct failure is one event.
        Row(name: "a git failure: one event", given: generationOne, input: .git(.failed(gitTimeout)), at: 30,
            effects: ["report git failed: \(gitTimeout)", "record reconcileFailed manifests → 1 deliveries"]),
        Row(name: "the same git failure: logged, no event", given: generationOne + [(.git(.failed(gitTimeout)), 30)],
            input: .git(.failed(gitTimeout)), at: 60, effects: ["report git failed again: \(gitTimeout)"]),
        Row(name: "git works again", given: generationOne + [(.git(.failed(gitTimeout)), 30)], input: .git(.fetched(revision: "abc")), at: 90,
            effects: ["report git recovered"]),
        Row(name: "git working as before: nothing", given: generationOne, input: .git(.fetched(revision: "abc")), at: 30, effects: []),

        // Every interval: drift is put back (the first check an interval after the first tick); pruning on
        // the first tick, then hourly.
        Row(name: "the first tick prunes, and checks for drift only an interval later", given: generationOne, input: .tick, at: 3,
            effects: [firstPrune]),
        Row(name: "a config applied from elsewhere is found at the next check",
            given: generationOne + [(.tick, 3), (.apply(4, admin(wwwTTL120, base: 1)), 20), (.committed(.success(2)), 21)], input: .tick, at: 33,
            effects: ["read manifests"]),
        Row(name: "no check before the interval",
            given: generationOne + [(.tick, 3), (.apply(4, admin(wwwTTL120, base: 1)), 20), (.committed(.success(2)), 21)], input: .tick, at: 32,
            effects: []),
        Row(name: "the manifests are put back, as a drift",
            given: generationOne + [(.tick, 3), (.apply(4, admin(wwwTTL120, base: 1)), 20), (.committed(.success(2)), 21), (.tick, 33)],
            input: .manifests(valid), at: 34, effects: ["commit generation 3 from manifests \(oneUpdate), drift 1"]),
        Row(name: "and reported once stored",
            given: generationOne + [(.tick, 3), (.apply(4, admin(wwwTTL120, base: 1)), 20), (.committed(.success(2)), 21), (.tick, 33),
                                    (.manifests(valid), 34)],
            input: .committed(.success(3)), at: 35,
            effects: installedAt(35) + ["report applied generation 3 from manifests \(oneUpdate)", "report drift 2 → 3: ~ FailoverPolicy/www",
                                        "record drift manifests → 1 deliveries; zone example.test. \(serial(35))"]),
        Row(name: "in sync at the check: nothing to read", given: generationOne + [(.tick, 3)], input: .tick, at: 33, effects: []),

        // A flapping policy: beyond the limit, events are held and summarized once the window has passed.
        Row(name: "past the flap limit an event is held", given: generationOne + [(health(.down, "127.0.0.1", from: .unknown, at: 10), 10)],
            flapLimit: 1, input: health(.up, "127.0.0.1", from: .down, at: 11), at: 11,
            effects: ["serve example.test. \(serial(11))", "report health web/127.0.0.1 down → up", "report failback FailoverPolicy/www held",
                      "record health web/127.0.0.1 up; failback FailoverPolicy/www held → 0 deliveries; zone example.test. \(serial(11))",
                      "notify example.test. \(serial(11)) to 1"]),
        Row(name: "a window after the first held event, one summary covers it",
            given: generationOne + [(.tick, 3), (health(.down, "127.0.0.1", from: .unknown, at: 10), 10),
                                    (health(.up, "127.0.0.1", from: .down, at: 11), 11)],
            flapLimit: 1, input: .tick, at: 71,
            effects: ["report summary FailoverPolicy/www of 1", "record summary FailoverPolicy/www → 1 deliveries; 1 summarized"]),
    ]

    @Test(arguments: rows)
    func row(_ row: Row) {
        var core = Self.core(flapLimit: row.flapLimit)
        for (input, seconds) in row.given { _ = core.step(input, now: Self.at(seconds)) }
        #expect(core.step(row.input, now: Self.at(row.at)).map(\.label) == row.effects)
    }

    @Test func startServesProbesAndNotifiesWhatTheStoreDoesNotHave() throws {
        let desired = try #require(Self.valid.state)
        func start(restored: [Name: StoredZoneVersion], at seconds: Int64) -> (labels: [String], serial: UInt32?) {
            let core = ControlCore(settings: .init(interval: .seconds(30)), live: .init(desired: desired, generation: 4),
                                   restored: restored, now: Self.at(seconds), makeID: { "id" })
            return (core.start().map(\.label), core.snapshot.zones.values.first?.serial)
        }
        // Never stored: a new version, recorded and notified.
        let first = start(restored: [:], at: 100)
        #expect(first.labels == ["keys: none", "serve example.test. \(Self.serial(100))", "probe 2 endpoints",
                                 "record zone example.test. \(Self.serial(100)) new", "notify example.test. \(Self.serial(100)) to 1"])
        let origin = try Name("example.test.")
        let built = ControlCore(settings: .init(interval: .seconds(30)), live: .init(desired: desired, generation: 4), now: Self.at(100),
                                makeID: { "id" }).snapshot.zones[origin]!
        // Stored exactly so: the same serial, nothing recorded, nobody notified, however the clock moved.
        let same = StoredZoneVersion(serial: 1_700_000_000, digest: built.digest, journal: ZoneJournal())
        let restarted = start(restored: [origin: same], at: 500)
        #expect(restarted.serial == 1_700_000_000)
        #expect(restarted.labels == ["keys: none", "serve example.test. 1700000000", "probe 2 endpoints"])
        // Stored differently, with the clock set back behind the stored serial: the next serial after it.
        let other = StoredZoneVersion(serial: UInt32(Self.start + 900), digest: ZoneDigest(value: 7), journal: ZoneJournal())
        let moved = start(restored: [origin: other], at: 100)
        #expect(moved.serial == UInt32(Self.start + 901))
        #expect(moved.labels.last == "notify example.test. \(Self.serial(901)) to 1")
    }

    @Test func signedZonesAreBuiltAgainDailyAndAReplacedKeyIsRefused() throws {
        let origin = try Name("example.test.")
        let first = try ZoneSigningKey.generate(algorithm: DNSSEC.ecdsaP256SHA256)
        var signed = Self.manifests(signed: true)
        signed.signingKeys = [origin: first]
        let counter = Mutex(0)
        let clock = Mutex(UInt32(Self.start))
        var core = ControlCore(settings: .init(interval: .seconds(30), signatures: SignatureCache(clock: { clock.withLock { $0 } })),
                               now: Self.at(0), makeID: { counter.withLock { $0 += 1; return "id\($0)" } })
        _ = core.step(.manifests(signed), now: Self.at(1))
        #expect(core.step(.committed(.success(1)), now: Self.at(2)).map(\.label).contains("serve example.test. \(Self.serial(2))"))
        #expect(core.snapshot.zones[origin]?.signer?.key.dnskey == first.dnskey)
        _ = core.step(.tick, now: Self.at(3))

        // A day on: served from a new snapshot (the packet caches drop signed responses), the same version
        // (and the hourly prune).
        let day: Int64 = 86_400
        #expect(core.step(.tick, now: Self.at(3 + day)).map(\.label) == ["serve example.test. \(Self.serial(2))", "prune before \(Self.start + 3 + day - 30 * day)"])
        #expect(core.step(.tick, now: Self.at(4 + day)).map(\.label).isEmpty)
        // Three days on, less than 4 of the 7 days of validity are left: signed again, a new version notified.
        _ = core.step(.tick, now: Self.at(3 + 2 * day))
        let resigned = core.step(.tick, now: Self.at(3 + 3 * day)).map(\.label)
        #expect(resigned.contains("serve example.test. \(Self.serial(3 + 3 * day))"), "\(resigned)")
        #expect(resigned.contains("notify example.test. \(Self.serial(3 + 3 * day)) to 1"), "\(resigned)")

        // The same manifests with other key material (the key file replaced): refused, the served key stays.
        var replaced = Self.manifests(signed: true)
        replaced.signingKeys = [origin: try ZoneSigningKey.generate(algorithm: DNSSEC.ecdsaP256SHA256)]
        let refused = core.step(.manifests(replaced), now: Self.at(10 + 3 * day)).map(\.label)
        #expect(refused.first?.hasPrefix("report rejected from manifests") == true, "\(refused)")
        #expect(core.lastError?.detail.contains { $0.hasPrefix("changes the signing key of example.test (key 13/\(first.keyTag) → key 13/") } == true,
                "\(String(describing: core.lastError))")
        #expect(core.snapshot.zones[origin]?.signer?.key.dnskey == first.dnskey)
    }

    @Test func backoffDoublesUpToItsMaximum() {
        let delays = (1...11).map { Backoff.standard.delay(afterFailures: $0) }
        #expect(delays == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300].map { Duration.seconds($0) })
    }

    @Test func lastErrorNamesTheManifestsFailureFirstThenGit() {
        var core = Self.core(flapLimit: 5)
        for (input, seconds) in Self.generationOne { _ = core.step(input, now: Self.at(seconds)) }
        _ = core.step(.git(.failed(Self.gitTimeout)), now: Self.at(5))
        #expect(core.lastError?.error == "git sync failed; still serving generation 1 from the checkout as it is")
        _ = core.step(.manifests(Self.invalid), now: Self.at(6))
        #expect(core.lastError?.error == "the manifests from the manifests have errors; still serving generation 1")
        #expect(core.lastError?.since == Self.at(6))
        #expect(core.lastError?.detail.count == 1)
        _ = core.step(.manifests(Self.valid), now: Self.at(7))
        #expect(core.lastError?.error == "git sync failed; still serving generation 1 from the checkout as it is")
    }
}

extension Candidate {
    var state: DesiredState? {
        if case .valid(let state, _) = compiled { state } else { nil }
    }
}
