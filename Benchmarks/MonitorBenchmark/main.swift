// Probes TARGETS HTTP endpoints every INTERVAL with the monitor (one thread, one libcurl multi handle)
// and reports, over the measured window after one warm-up interval: CPU used by the process (the monitor
// is all it runs), probes per second, results by outcome, and the lag between each probe's scheduled and
// actual start. See Benchmarks/README.md ("Monitor scale").
//
// Usage: MonitorBenchmark --port PORT [--targets 10000] [--addresses 100] [--interval 10] [--seconds 60]
// The targets are ADDRESSES loopback addresses (127.0.1.1, 127.0.1.2, …) × TARGETS/ADDRESSES monitors, each
// monitor with its own path, all on PORT: the server (Benchmarks/peers/http_sink.py) listens on each.
import DNSWire
import Foundation
import Model
import Monitor
import Synchronization

func option(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: "--\(name)"), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else {
        return fallback
    }
    return value
}

let port = option("port", 0)
let targetCount = option("targets", 10_000)
let addressCount = option("addresses", 100)
let interval = Duration.seconds(option("interval", 10))
let seconds = option("seconds", 60)
guard port > 0, addressCount > 0, addressCount <= 250, targetCount % addressCount == 0 else {
    print("usage: MonitorBenchmark --port PORT [--targets N] [--addresses A (≤250, dividing N)] [--interval S] [--seconds S]")
    exit(64)
}

var targets: [ProbeTarget] = []
for monitorIndex in 0..<(targetCount / addressCount) {
    let monitor = Monitor(name: "m\(monitorIndex)", protocol: .http, port: UInt16(port), path: "/health/\(monitorIndex)",
                          host: "www.example.test", expectBody: "ok", interval: interval, timeout: .seconds(2),
                          failureThreshold: 3, successThreshold: 2)
    for addressIndex in 1...addressCount {
        let address = IPAddress("127.0.1.\(addressIndex)")!
        targets.append(ProbeTarget(key: EndpointKey(monitor: monitor.name, value: .address(address)), monitor: monitor))
    }
}

let outcomes = Mutex<(ok: Int, failed: Int, lastFailure: String)>((0, 0, ""))
let monitor = try HealthMonitor(onResult: { _, result in
    outcomes.withLock {
        if result.isSuccess { $0.ok += 1 } else { $0.failed += 1; $0.lastFailure = result.detail }
    }
}, onUpdate: { _ in })

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

monitor.update(targets)
monitor.start()
print("\(targets.count) targets, interval \(interval), warming up for one interval…")
Thread.sleep(forTimeInterval: Double(interval.components.seconds) + 1)

let startCPU = cpuSeconds()
let startWall = Date()
let startStats = monitor.statistics
let startOutcomes = outcomes.withLock { $0 }
Thread.sleep(forTimeInterval: Double(seconds))
let cpu = cpuSeconds() - startCPU
let wall = Date().timeIntervalSince(startWall)
let stats = monitor.statistics
let end = outcomes.withLock { $0 }
monitor.stop()

let started = stats.probesStarted - startStats.probesStarted
func ms(_ duration: Duration) -> String {
    String(format: "%.2f ms", Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
}
print("measured \(String(format: "%.1f", wall)) s: \(started) probes started (\(String(format: "%.0f", Double(started) / wall))/s), "
      + "\(end.ok - startOutcomes.ok) ok, \(end.failed - startOutcomes.failed) failed, \(stats.probesSkipped - startStats.probesSkipped) skipped")
if end.failed > startOutcomes.failed { print("last failure: \(end.lastFailure)") }
print("CPU: \(String(format: "%.2f", cpu)) s in \(String(format: "%.1f", wall)) s = \(String(format: "%.1f", cpu / wall * 100))% of one core")
print("start lag (last \(min(stats.probesStarted, 65_536)) probes): p50 \(ms(stats.lag(percentile: 0.5))), "
      + "p99 \(ms(stats.lag(percentile: 0.99))), max \(ms(stats.maximumLag))")
