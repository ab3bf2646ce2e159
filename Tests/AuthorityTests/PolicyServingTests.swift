import DNSWire
import Manifests
import Model
import Testing
@testable import Authority

/// Policies answered through `Authority.answer`, from snapshots built with a health table.
@Suite("Policies at answer time")
struct PolicyServingTests {
    static let manifests = """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: example.com}
        spec:
          ttl: 3600
          soa: {primary: ns1, contact: hostmaster, negativeTtl: 300}
          nameservers: [ns1, ns2]
          secondaries: [{address: "127.0.0.1:5300"}]
          records:
            - {name: lb, type: A, values: [192.0.2.80]}
            - {name: lb, type: AAAA, values: ["2001:db8::80"]}
        ---
        apiVersion: switchyard.io/v1
        kind: Monitor
        metadata: {name: web}
        spec: {protocol: http}
        ---
        apiVersion: switchyard.io/v1
        kind: FailoverPolicy
        metadata: {name: www}
        spec:
          zone: example.com
          name: www
          type: A
          ttl: 60
          monitor: web
          tiers:
            - {name: primary, endpoints: [192.0.2.1]}
            - {name: secondary, endpoints: [198.51.100.1]}
        ---
        apiVersion: switchyard.io/v1
        kind: WeightedPolicy
        metadata: {name: api}
        spec:
          zone: example.com
          name: api
          type: A
          endpoints: [{address: 192.0.2.10, weight: 3}, {address: 192.0.2.11, weight: 1}]
        ---
        apiVersion: switchyard.io/v1
        kind: GeoPolicy
        metadata: {name: geo}
        spec:
          zone: example.com
          name: geo
          type: A
          networks: {office: [10.20.0.0/16]}
          regions:
            - {name: office, match: {networks: [office]}, endpoints: [10.20.0.10]}
            - {name: rest, default: true, use: www}
        ---
        apiVersion: switchyard.io/v1
        kind: FailoverPolicy
        metadata: {name: apex}
        spec:
          zone: example.com
          name: "@"
          type: ALIAS
          tiers: [{name: primary, endpoints: [lb]}]
        ---
        apiVersion: switchyard.io/v1
        kind: FailoverPolicy
        metadata: {name: docs}
        spec:
          zone: example.com
          name: docs
          type: CNAME
          tiers: [{name: primary, endpoints: [lb]}]
        """

    static let state: DesiredState = {
        let result = ManifestCompiler.compile([ManifestSource(path: "p.yaml", text: manifests)])
        precondition(!result.diagnostics.hasErrors, "\(result.diagnostics)")
        return result.state!
    }()

    static let primaryDown = HealthTable([EndpointKey(monitor: "web", value: .address(IPAddress("192.0.2.1")!)): .down])

    func ask(_ name: String, _ type: RRType, _ snapshot: Snapshot, subnet: String? = nil) -> (message: Message, isCacheable: Bool) {
        var edns = EDNS()
        if let subnet {
            let parts = subnet.split(separator: "/")
            edns.setClientSubnet(try! ClientSubnet(address: IPAddress(parts[0])!, sourcePrefixLength: UInt8(parts[1])!))
        }
        let query = Message.query(try! Name(name), type, edns: edns)
        return Authority.answerWithCacheability(query, from: snapshot, client: ClientInfo(address: IPAddress("127.0.0.1"), transport: .udp))
    }

    @Test func failoverFollowsHealthAndBumpsTheSerial() {
        let healthy = Snapshot.build(Self.state, previous: nil, now: 1000)
        var (answer, isCacheable) = ask("www.example.com.", .a, healthy)
        #expect(answer.answers.map(\.description) == ["www.example.com.\t60\tIN\tA\t192.0.2.1"])
        #expect(isCacheable)

        let same = Snapshot.build(Self.state, health: .allUnknown, previous: healthy, now: 2000)
        #expect(same.zones.first?.value.serial == 1000)
        let failed = Snapshot.build(Self.state, health: Self.primaryDown, previous: same, now: 2000)
        #expect(failed.zones.first?.value.serial == 2000)  // what is served changed: secondaries must follow
        (answer, _) = ask("www.example.com.", .a, failed)
        #expect(answer.answers.map(\.description) == ["www.example.com.\t30\tIN\tA\t198.51.100.1"])  // degraded: half TTL
        (answer, _) = ask("www.example.com.", .aaaa, failed)
        #expect(answer.rcode == .noError && answer.answers.isEmpty && answer.authority.first?.type == .soa)
    }

    @Test func geoByClientSubnetIsScopedAndNotCached() {
        let snapshot = Snapshot.build(Self.state, previous: nil, now: 1)
        var (answer, isCacheable) = ask("geo.example.com.", .a, snapshot, subnet: "10.20.3.0/24")
        #expect(answer.answers.map(\.description) == ["geo.example.com.\t60\tIN\tA\t10.20.0.10"])
        #expect(try! answer.edns?.clientSubnet()?.scopePrefixLength == 16)
        #expect(!isCacheable)
        (answer, isCacheable) = ask("geo.example.com.", .a, snapshot, subnet: "198.51.0.0/16")
        #expect(answer.answers.map(\.description) == ["geo.example.com.\t60\tIN\tA\t192.0.2.1"])  // default: use www
        #expect(try! answer.edns?.clientSubnet()?.scopePrefixLength == 1)  // no named network in 128.0.0.0/1
        // Without Client Subnet the source address decides (127.0.0.1: the default region).
        (answer, _) = ask("geo.example.com.", .a, snapshot)
        #expect(answer.answers.map(\.description) == ["geo.example.com.\t60\tIN\tA\t192.0.2.1"])
    }

    @Test func weightedAnswersAreRandomSoNotCached() {
        let snapshot = Snapshot.build(Self.state, previous: nil, now: 1)
        var seen: Set<String> = []
        for _ in 0..<200 {
            let (answer, isCacheable) = ask("api.example.com.", .a, snapshot)
            #expect(!isCacheable)
            #expect(answer.answers.count == 1)
            seen.formUnion(answer.answers.map(\.description))
        }
        #expect(seen.count == 2)
    }

    @Test func aliasAndCNAMEPolicies() {
        let snapshot = Snapshot.build(Self.state, previous: nil, now: 1)
        #expect(ask("example.com.", .a, snapshot).message.answers.map(\.description) == ["example.com.\t60\tIN\tA\t192.0.2.80"])
        #expect(ask("example.com.", .aaaa, snapshot).message.answers.map(\.description) == ["example.com.\t60\tIN\tAAAA\t2001:db8::80"])
        #expect(ask("example.com.", .soa, snapshot).message.answers.first?.type == .soa)  // static data beside the ALIAS
        #expect(ask("docs.example.com.", .a, snapshot).message.answers.map(\.description)
                == ["docs.example.com.\t60\tIN\tCNAME\tlb.example.com.", "lb.example.com.\t3600\tIN\tA\t192.0.2.80"])
        #expect(ask("docs.example.com.", .txt, snapshot).message.answers.map(\.type) == [.cname])
    }

    @Test func transfersCarryWhatPoliciesServe() {
        let snapshot = Snapshot.build(Self.state, health: Self.primaryDown, previous: nil, now: 1)
        let query = Message.query(try! Name("example.com."), .axfr, edns: nil)
        let records = ZoneTransfer.messages(for: query, from: snapshot, client: ClientInfo(address: IPAddress("127.0.0.1"), transport: .tcp))
            .flatMap(\.answers).map(\.description)
        // Failover: the tier serving now. Weighted: every candidate. Geo: the default region's answer.
        // CNAME as a record; ALIAS, which has no record type, as the A and AAAA records of its target.
        #expect(records.contains("www.example.com.\t30\tIN\tA\t198.51.100.1"))
        #expect(!records.contains { $0.hasPrefix("www.example.com.") && $0.hasSuffix("192.0.2.1") })
        #expect(records.filter { $0.hasPrefix("api.example.com.") }.count == 2)
        #expect(records.contains("geo.example.com.\t30\tIN\tA\t198.51.100.1"))
        #expect(records.contains("docs.example.com.\t60\tIN\tCNAME\tlb.example.com."))
        #expect(records.filter { $0.hasPrefix("example.com.") && ($0.contains("\tA\t") || $0.contains("\tAAAA\t")) }
                == ["example.com.\t60\tIN\tA\t192.0.2.80", "example.com.\t60\tIN\tAAAA\t2001:db8::80"])
        #expect(records.first == records.last && records.first?.contains("SOA") == true)
    }
}

/// What resolvers cache of policy answers: a negative answer at a policy's name no longer than the
/// policy's own TTL, and a geo region that uses another policy under the geo policy's TTL.
@Suite("Policy answers as resolvers cache them")
struct PolicyCachingTests {
    static let state: DesiredState = {
        let text = """
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.com}
            spec: {ttl: 3600, soa: {primary: ns1, contact: hostmaster, negativeTtl: 300}, nameservers: [ns1, ns2]}
            ---
            apiVersion: switchyard.io/v1
            kind: Monitor
            metadata: {name: web}
            spec: {protocol: http}
            ---
            apiVersion: switchyard.io/v1
            kind: FailoverPolicy
            metadata: {name: www}
            spec: {zone: example.com, name: www, type: A, ttl: 60, monitor: web, whenAllDown: none,
                   tiers: [{name: primary, endpoints: [192.0.2.1]}]}
            ---
            apiVersion: switchyard.io/v1
            kind: GeoPolicy
            metadata: {name: geo}
            spec:
              zone: example.com
              name: geo
              type: A
              ttl: 120
              regions: [{name: rest, default: true, use: www}]
            """
        let result = ManifestCompiler.compile([ManifestSource(path: "p.yaml", text: text)])
        precondition(!result.diagnostics.hasErrors, "\(result.diagnostics)")
        return result.state!
    }()

    func ask(_ name: String, _ snapshot: Snapshot) -> Message {
        Authority.answer(Message.query(try! Name(name), .a), from: snapshot, client: ClientInfo(address: nil, transport: .udp))
    }

    @Test func negativeAnswersAtAPolicyNameAreCachedNoLongerThanItsAnswer() {
        let down = Snapshot.build(Self.state, health: HealthTable([EndpointKey(monitor: "web", value: .address(IPAddress("192.0.2.1")!)): .down]),
                                  previous: nil, now: 1000)
        let reply = ask("www.example.com.", down)
        #expect(reply.rcode == .noError && reply.answers.isEmpty)
        // The policy is degraded (all down): half its 60 s, not the zone's 300 s negative TTL.
        #expect(reply.authority.map(\.type) == [.soa] && reply.authority.first?.ttl == 30)
        // Elsewhere in the zone the SOA minimum stands.
        #expect(ask("nothing.example.com.", down).authority.first?.ttl == 300)
    }

    @Test func aGeoRegionUsingAnotherPolicyAnswersWithTheGeoTTL() {
        let healthy = Snapshot.build(Self.state, previous: nil, now: 1000)
        #expect(ask("geo.example.com.", healthy).answers.map(\.ttl) == [120])
        #expect(ask("www.example.com.", healthy).answers.map(\.ttl) == [60])
    }
}
