// Validates a generated manifest set of 100,000 static records and 10,000 policies: files read from disk,
// parsed, validated and compiled, which is what `switchyard validate` does. See Benchmarks/README.md.
//
// Usage: ManifestsBenchmark [--rounds R] [--keep DIR]
import Foundation
import Manifests

let zoneCount = 10
let recordsPerZone = 10_000
let failoverCount = 4_000
let weightedCount = 4_000
let geoCount = 2_000
let policiesPerFile = 500

var rounds = 5
var keep: String? = nil
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--rounds": rounds = Int(arguments.next() ?? "") ?? rounds
    case "--keep": keep = arguments.next()
    default:
        print("usage: ManifestsBenchmark [--rounds R] [--keep DIR]")
        exit(64)
    }
}

let directory = keep ?? NSTemporaryDirectory() + "switchyard-manifests-bench-\(getpid())"
try? FileManager.default.removeItem(atPath: directory)
try FileManager.default.createDirectory(atPath: directory + "/zones", withIntermediateDirectories: true)
try FileManager.default.createDirectory(atPath: directory + "/policies", withIntermediateDirectories: true)
defer { if keep == nil { try? FileManager.default.removeItem(atPath: directory) } }

func write(_ path: String, _ text: String) throws {
    try text.write(toFile: directory + "/" + path, atomically: false, encoding: .utf8)
}

// Zones: a realistic mix of record types, 10,000 record sets each.
for zone in 0..<zoneCount {
    var text = """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: zone\(zone).example}
        spec:
          ttl: 3600
          soa: {primary: ns1, contact: hostmaster@zone\(zone).example}
          nameservers: [ns1, ns2]
          records:

        """
    for record in 0..<recordsPerZone {
        let a = record / 250, b = record % 250
        switch record % 10 {
        case 0...4: text += "    - {name: host\(record), type: A, values: [10.\(zone).\(a).\(b)]}\n"
        case 5, 6: text += "    - {name: host\(record), type: AAAA, values: [\"2001:db8:\(zone)::\(record)\"]}\n"
        case 7: text += "    - {name: txt\(record), type: TXT, values: [\"v=spf1 ip4:10.\(zone).\(a).0/24 -all\"]}\n"
        case 8: text += "    - {name: mail\(record), type: MX, values: [\"10 host\(record - 8)\", \"20 host\(record - 7)\"]}\n"
        default: text += "    - {name: alias\(record), type: CNAME, values: [host\(record - 9)]}\n"
        }
    }
    try write("zones/zone\(zone).yaml", text)
}

try write("monitors.yaml", (0..<10).map { index in """
    apiVersion: switchyard.io/v1
    kind: Monitor
    metadata: {name: web\(index)}
    spec: {protocol: https, path: /healthz, host: www.example.com, expectStatus: [2xx], interval: 10s, timeout: 2s}
    """ }.joined(separator: "\n---\n") + "\n---\n" + """
    apiVersion: switchyard.io/v1
    kind: Notifier
    metadata: {name: oncall}
    spec: {webhook: {url: "https://hooks.example.com/dns", secretFrom: "env:WEBHOOK_SECRET"}}

    """)

func policy(_ index: Int) -> String {
    let zone = "zone\(index % zoneCount).example"
    if index < failoverCount {
        return """
            apiVersion: switchyard.io/v1
            kind: FailoverPolicy
            metadata: {name: fo\(index)}
            spec:
              zone: \(zone)
              name: fo\(index)
              type: A
              ttl: 60
              monitor: web\(index % 10)
              tiers:
                - {name: primary, endpoints: [192.0.\(index % 250).1, 192.0.\(index % 250).2]}
                - {name: secondary, endpoints: [198.51.\(index % 250).1, {address: 198.51.\(index % 250).2, enabled: false}]}
              notify: [oncall]
            """
    } else if index < failoverCount + weightedCount {
        return """
            apiVersion: switchyard.io/v1
            kind: WeightedPolicy
            metadata: {name: w\(index)}
            spec:
              zone: \(zone)
              name: w\(index)
              type: A
              monitor: web\(index % 10)
              endpoints: [{address: 203.0.\(index % 250).1, weight: 90}, {address: 203.0.\(index % 250).2, weight: 10}]
            """
    } else {
        return """
            apiVersion: switchyard.io/v1
            kind: GeoPolicy
            metadata: {name: geo\(index)}
            spec:
              zone: \(zone)
              name: geo\(index)
              type: A
              monitor: web\(index % 10)
              networks: {office: [10.\(index % 250).0.0/16]}
              regions:
                - {name: office, match: {networks: [office]}, endpoints: [10.\(index % 250).0.10]}
                - {name: europe, match: {continents: [EU], countries: [DE, FR]}, use: fo\(index % failoverCount)}
                - {name: default, default: true, endpoints: [203.0.113.10]}
            """
    }
}

let policyCount = failoverCount + weightedCount + geoCount
for file in 0..<(policyCount / policiesPerFile) {
    let documents = (0..<policiesPerFile).map { policy(file * policiesPerFile + $0) }
    try write("policies/policies\(file).yaml", documents.joined(separator: "\n---\n") + "\n")
}

let clock = ContinuousClock()
var seconds: [Double] = []
var last: CompileResult? = nil
var bytes = 0
for _ in 0..<rounds {
    let elapsed = clock.measure {
        let (sources, _) = ManifestFiles.read([directory])
        bytes = sources.reduce(0) { $0 + $1.bytes.count }
        last = ManifestCompiler.compile(sources)
    }
    seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}
guard let result = last, let state = result.state else {
    print("generated manifests did not validate:")
    for diagnostic in (last?.diagnostics ?? []).prefix(10) { print(diagnostic) }
    exit(1)
}
let records = state.zones.reduce(0) { $0 + $1.records.count }
let policies = state.failoverPolicies.count + state.weightedPolicies.count + state.geoPolicies.count
seconds.sort()
let peak = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8))?
    .split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) } ?? "?"
print("manifests: \(records) record sets, \(policies) policies, \(result.documentCount) documents, \(result.fileCount) files, \(bytes / 1024) KiB")
print(String(format: "read + validate + compile: median %.3f s (min %.3f, max %.3f, %d rounds); peak RSS %@",
             seconds[seconds.count / 2], seconds.first!, seconds.last!, rounds, peak))
