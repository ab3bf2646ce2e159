// What SQLite's synchronous=FULL (the WAL synced on every commit) costs the controller: the store write
// of an apply of a 100,000-record zone, and the small writes of health, events and delivery outcomes,
// each timed with FULL and with NORMAL on the same disk, alternating. The compile and plan of the same
// apply are timed too, to put the write in proportion. See Benchmarks/README.md.
//
// Usage: StoreBenchmark [--records N] [--rounds R] [--small W] [--directory DIR]
import DNSWire
import Foundation
import Manifests
import Model
import Reconcile
import Store

var records = 100_000
var rounds = 5
var smallWrites = 200
var base = NSTemporaryDirectory()
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--records": records = Int(arguments.next() ?? "") ?? records
    case "--rounds": rounds = Int(arguments.next() ?? "") ?? rounds
    case "--small": smallWrites = Int(arguments.next() ?? "") ?? smallWrites
    case "--directory": base = arguments.next() ?? base
    default:
        print("usage: StoreBenchmark [--records N] [--rounds R] [--small W] [--directory DIR]")
        exit(64)
    }
}

/// A zone of `records` A records; `variant` changes every 100th value, so each apply is a real change.
func manifests(records: Int, variant: Int) -> [SourceFile] {
    var text = "apiVersion: switchyard.io/v1\nkind: Zone\nmetadata: {name: example.test}\nspec:\n  ttl: 300\n"
        + "  soa: {primary: ns1, contact: hostmaster}\n  nameservers: [ns1, ns2]\n  records:\n"
    text.reserveCapacity(records * 48)
    for index in 0..<records {
        let last = index % 100 == 0 ? (index + variant) % 250 + 1 : index & 255
        text += "    - {name: h\(index), type: A, values: [10.\((index >> 16) & 255).\((index >> 8) & 255).\(last)]}\n"
    }
    return [SourceFile(path: "zone.yaml", text: text)]
}

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let elapsed = start.duration(to: .now)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let sets = (0...rounds).map { manifests(records: records, variant: $0) }
var compileTimes: [Double] = []
var planTimes: [Double] = []
var previous: DesiredState? = nil
for files in sets.prefix(rounds) {
    var compiled: CompileResult?
    compileTimes.append(await seconds { compiled = ManifestCompiler.compile(files.map(ManifestSource.init)) })
    let desired = compiled!.state!
    planTimes.append(await seconds { _ = Planner.plan(from: previous, to: desired, baseGeneration: 0) })
    previous = desired
}

var applyTimes: [Store.Durability: [Double]] = [:]
var smallTimes: [Store.Durability: [Double]] = [:]
for round in 0..<rounds {
    for durability in round % 2 == 0 ? [Store.Durability.full, .normal] : [.normal, .full] {
        let directory = base + "/switchyard-store-bench-\(getpid())-\(durability.rawValue)"
        try? FileManager.default.removeItem(atPath: directory)
        let store = try Store(directory: directory, durability: durability)
        _ = try await store.apply(sources: sets[round], revision: nil, checksum: "0", summary: "", expectedGeneration: 0)
        applyTimes[durability, default: []].append(try await seconds {
            _ = try await store.apply(sources: sets[round + 1], revision: nil, checksum: "1", summary: "", expectedGeneration: 1)
        })
        let key = EndpointKey(monitor: "web", value: .address(IPAddress("127.0.0.1")!))
        let total = try await seconds {
            for write in 0..<smallWrites {
                let time = Date()
                let change = HealthChange(endpoint: key, from: write % 2 == 0 ? .up : .down, to: write % 2 == 0 ? .down : .up, causes: [],
                                          time: Timestamp(millisecondsSince1970: Int64(time.timeIntervalSince1970 * 1000)))
                try await store.record(health: [change], events: [StoredEvent.New(
                    id: "\(round)-\(write)", time: time, kind: "failover", subject: "FailoverPolicy/www", body: Data(repeating: 32, count: 600),
                    deliveries: [DeliveryTarget(notifier: "oncall", channel: "webhook"), DeliveryTarget(notifier: "oncall", channel: "email")])])
            }
        }
        smallTimes[durability, default: []].append(total / Double(smallWrites))
        try? FileManager.default.removeItem(atPath: directory)
    }
}

let (full, normal) = (median(applyTimes[.full]!), median(applyTimes[.normal]!))
let (fullSmall, normalSmall) = (median(smallTimes[.full]!), median(smallTimes[.normal]!))
let text = String(format: """
    records %d, %d rounds (medians), data directory on %@
    compile %.3f s, plan %.3f s
    store write of the apply: FULL %.1f ms, NORMAL %.1f ms: FULL costs %+.1f ms (%.1f%% of compile + plan + write)
    one health change + event + 2 outbox rows: FULL %.2f ms, NORMAL %.2f ms (%.1fx)
    """, records, rounds, base, median(compileTimes), median(planTimes), full * 1000, normal * 1000, (full - normal) * 1000,
    (full - normal) / (median(compileTimes) + median(planTimes) + full) * 100, fullSmall * 1000, normalSmall * 1000, fullSmall / normalSmall)
print(text)
