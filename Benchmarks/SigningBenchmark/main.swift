// What signing costs the controller, in one process (release build): signing a zone of RECORDS records
// for its secondaries (every RRset and the NSEC chain), then each failover flip of a policy in it (the
// new version: the policy's records re-signed, the SOA's signature, the journal delta), and the IXFR
// that flip makes; and signatures a second, for the online cache's misses. Benchmarks/signing-cost.sh runs it.
//
// Usage: SigningBenchmark [RECORDS] [FLIPS] [ALGORITHM]   (default 100000 records, 20 flips, 13;
// algorithm 0: the same zone unsigned, for the flip's cost without signing)
import Authority
import DNSWire
import Foundation
import Manifests
import Model

let arguments = CommandLine.arguments.dropFirst()
let records = arguments.first.flatMap { Int($0) } ?? 100_000
let flips = arguments.dropFirst().first.flatMap { Int($0) } ?? 20
let algorithm = arguments.dropFirst(2).first.flatMap { UInt8($0) } ?? DNSSEC.ecdsaP256SHA256

let signing = algorithm == 0 ? "" : "dnssec: {algorithm: \(algorithm == DNSSEC.ed25519 ? "ed25519" : "ecdsap256sha256")}"
var text = """
    apiVersion: switchyard.io/v1
    kind: Zone
    metadata: {name: big.test}
    spec:
      ttl: 3600
      soa: {primary: ns1, contact: hostmaster}
      nameservers: [ns1, ns2]
      secondaries: [{address: 192.0.2.53}]
      \(signing)
      records:
        - {name: ns1, type: A, values: [192.0.2.53]}
        - {name: ns2, type: A, values: [192.0.2.54]}

    """
for index in 0..<records {
    text += "    - {name: h\(index), type: A, values: [10.\(index >> 16).\((index >> 8) & 255).\(index & 255)]}\n"
}
text += """
    ---
    apiVersion: switchyard.io/v1
    kind: Monitor
    metadata: {name: web}
    spec: {protocol: tcp, port: 443}
    ---
    apiVersion: switchyard.io/v1
    kind: FailoverPolicy
    metadata: {name: www}
    spec: {zone: big.test, name: www, type: A, ttl: 30, monitor: web,
           tiers: [{name: primary, endpoints: [192.0.2.1]}, {name: secondary, endpoints: [192.0.2.2]}]}
    """
let compiled = ManifestCompiler.compile([ManifestSource(path: "big.yaml", text: text)])
guard let state = compiled.state else { fatalError("\(compiled.diagnostics)") }
let origin = try Name("big.test.")
let key = try ZoneSigningKey.generate(algorithm: algorithm == 0 ? DNSSEC.ecdsaP256SHA256 : algorithm)
let clock: @Sendable () -> UInt32 = { UInt32(Date().timeIntervalSince1970) }
let cache = SignatureCache(clock: clock)
let options = Snapshot.BuildOptions(signingKeys: [origin: key], signatures: cache)
func health(_ state: HealthState) -> HealthTable {
    HealthTable([EndpointKey(monitor: "web", value: .address(IPAddress("192.0.2.1")!)): state])
}
func milliseconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
}

var start = DispatchTime.now()
var snapshot = Snapshot.build(state, health: health(.up), previous: nil, now: clock(), options: options)
let signingTime = milliseconds(since: start)
let zone = snapshot.zones[origin]!
print("zone of \(records) records signed (algorithm \(algorithm)): \(String(format: "%.0f", signingTime)) ms, "
      + "\(cache.counts.made) signatures (\(String(format: "%.0f", Double(cache.counts.made) / signingTime * 1000)) a second), "
      + "\(zone.transferBytes / 1024) KiB to transfer")

var times: [Double] = []
var ixfrBytes: [Int] = []
for flip in 0..<flips {
    let previous = snapshot
    start = DispatchTime.now()
    snapshot = Snapshot.build(state, health: health(flip % 2 == 0 ? .down : .up), previous: previous, now: clock() + UInt32(flip + 1),
                              options: options)
    times.append(milliseconds(since: start))
    let before = previous.zones[origin]!.serial
    var query = Message(questions: [Question(name: origin, type: .ixfr)])
    query.authority = [ResourceRecord(name: origin, ttl: 0, data: .soa(RData.SOA(primary: origin, contact: origin, serial: before,
                                                                                    refresh: 0, retry: 0, expire: 0, minimum: 0)))]
    let transfer = ZoneTransfer.transfer(for: query, from: snapshot, client: ClientInfo(address: IPAddress("192.0.2.53"), transport: .tcp))
    guard case .incremental = transfer.form else { fatalError("the flip was not an IXFR: \(transfer.form)") }
    ixfrBytes.append(try transfer.messages.reduce(0) { $0 + (try $1.wireBytes().count) })
}
times.sort()
print("failover flip, new signed version: median \(String(format: "%.2f", times[times.count / 2])) ms, "
      + "max \(String(format: "%.2f", times.last!)) ms over \(flips) flips; IXFR \(ixfrBytes.sorted()[ixfrBytes.count / 2]) octets")

// Online: distinct RRsets signed, as the cache does on a miss.
let online = 2_000
start = DispatchTime.now()
for index in 0..<online {
    _ = cache.signature(owner: try Name("n\(index).big.test."), type: .a, ttl: 60, data: [.a(IPv4Address("192.0.2.9")!)], key: key,
                        signer: origin, now: clock())
}
let onlineTime = milliseconds(since: start)
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
print("peak memory: \(usage.ru_maxrss / 1024) MiB")
print("online signatures: \(String(format: "%.0f", Double(online) / onlineTime * 1000)) a second on one thread "
      + "(\(String(format: "%.1f", onlineTime * 1000 / Double(online))) µs each)")
