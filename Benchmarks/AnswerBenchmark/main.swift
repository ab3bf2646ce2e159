// The answer path in one process, for instruction counts (Benchmarks/answer-instructions.sh runs it
// under callgrind): parse a query, answer it from a snapshot, write the response, as the server does on
// a packet-cache miss, with no sockets, threads or signals around it.
//
// Usage: AnswerBenchmark --case static|failover|weighted|geo --iterations N
import Authority
import DNSWire
import Manifests
import Model

let manifests = """
    apiVersion: switchyard.io/v1
    kind: Zone
    metadata: {name: example.test}
    spec: {ttl: 300, soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1, ns2],
           records: [{name: static, type: A, values: [192.0.2.1]}]}
    ---
    apiVersion: switchyard.io/v1
    kind: FailoverPolicy
    metadata: {name: www}
    spec: {zone: example.test, name: www, type: A, ttl: 60,
           tiers: [{name: primary, endpoints: [192.0.2.10]}, {name: secondary, endpoints: [192.0.2.11]}]}
    ---
    apiVersion: switchyard.io/v1
    kind: WeightedPolicy
    metadata: {name: pool}
    spec: {zone: example.test, name: pool, type: A, ttl: 60,
           endpoints: [{address: 192.0.2.20, weight: 3}, {address: 192.0.2.21, weight: 1}]}
    ---
    apiVersion: switchyard.io/v1
    kind: GeoPolicy
    metadata: {name: geo}
    spec:
      zone: example.test
      name: geo
      type: A
      networks: {office: [10.20.0.0/16], lab: [10.20.5.0/24]}
      regions:
        - {name: office, match: {networks: [office]}, endpoints: [192.0.2.30]}
        - {name: lab, match: {networks: [lab]}, endpoints: [192.0.2.31]}
        - {name: rest, default: true, use: www}
    """

/// A fixed-seed generator: the same picks every run, and no system calls on the measured path.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let arguments = CommandLine.arguments
func value(_ flag: String) -> String? { arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil } }
let kind = value("--case") ?? "static"
let iterations = Int(value("--iterations") ?? "100000") ?? 100_000

guard let state = ManifestCompiler.compile([ManifestSource(path: "bench.yaml", text: manifests)]).state else {
    fatalError("the benchmark's manifests do not compile")
}
let snapshot = Snapshot.build(state, previous: nil, now: 1)
let name: String = switch kind {
case "failover": "www.example.test."
case "weighted": "pool.example.test."
case "geo": "geo.example.test."
default: "static.example.test."
}
var edns = EDNS(udpPayloadSize: 1232)
if kind == "geo" { edns.setClientSubnet(try! ClientSubnet(address: IPAddress("10.20.1.0")!, sourcePrefixLength: 24)) }
let query = try! Message.query(try! Name(name), .a, edns: edns).wireBytes()
let client = ClientInfo(address: IPAddress("198.51.100.7"), transport: .udp)
var random = SplitMix64(state: 42)
var checksum = 0
for _ in 0..<iterations {
    query.withUnsafeBytes { bytes in
        guard let parsed = try? Message(wire: bytes),
              let response = Authority.respondWithCacheability(to: parsed, from: snapshot, client: client, random: &random) else { return }
        checksum &+= response.bytes.count &+ Int(response.bytes[response.bytes.count - 1])
    }
}
print("\(kind): \(iterations) answers, checksum \(checksum)")
