// A whole query through the answer path: `Authority` (and `ZoneTransfer` for AXFR/IXFR) over a snapshot
// with static data, a delegation, wildcards, CNAME chains and loops, failover, weighted and geo
// policies, and a signed zone (DO queries: signatures, compact denials, the signature budget). Benchmarks/fuzz.sh builds it with libFuzzer (-D FUZZING); an ordinary build is a replayer
// that runs saved inputs through the same checks.
//
// Properties checked on every input, beyond "does not trap":
// - every response parses, echoes the query's ID with QR set, and over UDP fits 1,232 octets and the
//   size the query offered (512 without EDNS);
// - an answer that varies by one policy's choice renders the same bytes when that choice is made again
//   (what the server's packet cache relies on);
// - every message of a zone transfer parses.
import Authority
import DNSWire
import Manifests
import Model

private let manifests = """
    apiVersion: switchyard.io/v1
    kind: Zone
    metadata: {name: example.com}
    spec:
      ttl: 3600
      soa: {primary: ns1, contact: hostmaster, negativeTtl: 300}
      nameservers: [ns1, ns2]
      records:
        - {name: ns1, type: A, values: [192.0.2.53]}
        - {name: ns2, type: AAAA, values: ["2001:db8::53"]}
        - {name: www, type: A, ttl: 300, values: [192.0.2.1, 192.0.2.2]}
        - {name: "@", type: MX, values: ["10 mail"]}
        - {name: mail, type: A, values: [192.0.2.25]}
        - {name: alias, type: CNAME, values: [www]}
        - {name: chain, type: CNAME, values: [pool]}
        - {name: loop1, type: CNAME, values: [loop2]}
        - {name: loop2, type: CNAME, values: [loop1]}
        - {name: outside, type: CNAME, values: [www.example.org.]}
        - {name: sub, type: NS, values: [ns.sub, ns.other.net.]}
        - {name: ns.sub, type: A, values: [192.0.2.99]}
        - {name: "*.wild", type: TXT, values: [wildcard]}
        - {name: "*.wild", type: A, values: [192.0.2.77]}
        - {name: a.b.ent, type: A, values: [192.0.2.5]}
        - {name: _sip._tcp, type: SRV, values: ["0 1 5060 www"]}
        - {name: big, type: TXT, values: [\((0..<8).map { String(repeating: "\($0)", count: 250) }.joined(separator: ", "))]}
    ---
    apiVersion: switchyard.io/v1
    kind: Zone
    metadata: {name: example.org}
    spec:
      ttl: 600
      soa: {primary: ns1.example.com., contact: hostmaster.example.com.}
      nameservers: [ns1.example.com.]
      dnssec: {algorithm: ed25519}
      secondaries: [{address: 192.0.2.53}]
      records:
        - {name: www, type: CNAME, values: [geo.example.com.]}
        - {name: "*.any", type: TXT, values: [signed wildcard]}
        - {name: child, type: NS, values: [ns.child]}
        - {name: child, type: DS, values: ["12345 15 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"]}
        - {name: ns.child, type: A, values: [192.0.2.98]}
        - {name: text, type: TXT, values: [\((0..<4).map { String(repeating: "\($0)", count: 250) }.joined(separator: ", "))]}
    ---
    apiVersion: switchyard.io/v1
    kind: FailoverPolicy
    metadata: {name: fo}
    spec: {zone: example.com, name: fo, type: A, ttl: 60,
           tiers: [{name: primary, endpoints: [192.0.2.10]}, {name: secondary, endpoints: [192.0.2.11]}]}
    ---
    apiVersion: switchyard.io/v1
    kind: WeightedPolicy
    metadata: {name: pool}
    spec: {zone: example.com, name: pool, type: A, ttl: 60, answers: 2,
           endpoints: [{address: 192.0.2.20, weight: 3}, {address: 192.0.2.21, weight: 1}, {address: 192.0.2.22, weight: 2}]}
    ---
    apiVersion: switchyard.io/v1
    kind: GeoPolicy
    metadata: {name: geo}
    spec:
      zone: example.com
      name: geo
      type: A
      networks: {office: [10.20.0.0/16, "2001:db8:20::/48"], lab: [10.20.5.0/24]}
      regions:
        - {name: office, match: {networks: [office]}, endpoints: [192.0.2.30]}
        - {name: lab, match: {networks: [lab]}, endpoints: [192.0.2.31]}
        - {name: rest, default: true, use: pool}
    """

private let snapshot: Snapshot = {
    let result = ManifestCompiler.compile([ManifestSource(path: "fuzz.yaml", text: manifests)])
    guard let state = result.state, !result.diagnostics.hasErrors else { fatalError("the fuzz manifests do not compile: \(result.diagnostics)") }
    // Ed25519 signatures are deterministic, so a saved input replays the same bytes; the fixed clock
    // makes the signature budget run out for good after the first 2,000, so both paths are fuzzed.
    let key = try! ZoneSigningKey(algorithm: DNSSEC.ed25519, privateKey: Array(repeating: 7, count: 32))
    let options = Snapshot.BuildOptions(signingKeys: [try! Name("example.org."): key],
                                        signatures: SignatureCache(clock: { 1_700_000_000 }))
    return Snapshot.build(state, previous: nil, now: 1_700_000_000, options: options)
}()

/// Clients the first octet of an input chooses among: inside each geo network, outside them, IPv6, none,
/// and example.org's secondary (which may transfer it).
private let clients: [IPAddress?] = [IPAddress("10.20.5.7"), IPAddress("10.20.1.1"), IPAddress("198.51.100.7"),
                                     IPAddress("2001:db8:20::1"), nil, IPAddress("192.0.2.53")]

/// A fixed-seed generator, so a saved input replays the same picks.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs one input: its first octet picks the client, the rest is the query.
func fuzzOneQuery(_ input: UnsafeRawBufferPointer) {
    guard let first = input.first else { return }
    let bytes = UnsafeRawBufferPointer(rebasing: input[1...])
    let address = clients[Int(first) % clients.count]
    for transport in [ClientInfo.Transport.udp, .tcp] {
        let client = ClientInfo(address: address, transport: transport)
        guard let response = Authority.respond(to: bytes, from: snapshot, client: client) else {
            precondition(bytes.count < 12 || bytes[2] & 0x80 != 0, "a query got no response")
            continue
        }
        check(response, to: bytes, transport: transport)
    }
    guard let query = try? Message(wire: bytes) else { return }
    var random = SplitMix64(state: UInt64(first))
    let client = ClientInfo(address: address, transport: .udp)
    if let answered = Authority.respondWithCacheability(to: query, from: snapshot, client: client, random: &random),
       let variation = answered.variation {
        var other = SplitMix64(state: ~UInt64(first))
        let again = Authority.respondWithCacheability(to: query, from: snapshot, client: client, forced: variation.made, random: &other)
        precondition(again?.bytes == answered.bytes, "the same choice rendered different bytes")
    }
    if query.questions.count == 1, query.questions[0].type == .axfr || query.questions[0].type == .ixfr {
        let transfer = ZoneTransfer.transfer(for: query, from: snapshot, client: ClientInfo(address: address, transport: .tcp))
        for message in transfer.messages {
            guard let wire = try? message.wireBytes() else { preconditionFailure("a transfer message could not be written") }
            precondition((try? Message(wire: wire)) != nil, "a transfer message does not parse")
        }
    }
}

private func check(_ response: [UInt8], to query: UnsafeRawBufferPointer, transport: ClientInfo.Transport) {
    precondition(response.count >= 12 && response[0] == query[0] && response[1] == query[1] && response[2] & 0x80 != 0,
                 "the response does not answer the query's ID with QR set")
    guard let parsed = try? Message(wire: response) else { preconditionFailure("a response does not parse") }
    if transport == .udp {
        let offered = (try? Message(wire: query)).map { Authority.udpPayloadLimit(for: $0) } ?? 512
        precondition(response.count <= offered && response.count <= Authority.maxUDPPayload,
                     "a UDP response of \(response.count) octets for a limit of \(offered)")
    } else {
        precondition(response.count <= 0xFFFF, "a TCP response over 65,535 octets")
    }
    _ = parsed
}
