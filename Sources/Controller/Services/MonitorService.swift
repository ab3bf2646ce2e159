import Monitor
import ServiceLifecycle

/// The health monitor as a service: its probe thread runs from start to a graceful shutdown. What it
/// concludes goes to the control loop as `.health` (wired where the monitor is made).
struct MonitorService: Service, CustomStringConvertible {
    var description: String { "MonitorService" }

    let monitor: HealthMonitor

    func run() async throws {
        monitor.start()
        try? await gracefulShutdown()
        monitor.stop()
    }
}
