import Logging
import Server
import ServiceLifecycle

/// The DNS listeners as a service: bound when it starts (the port is reported), closed on a graceful
/// shutdown, after every other service has stopped, so answers go on to the very end.
struct DNSService: Service, CustomStringConvertible {
    var description: String { "DNSService" }

    let server: DNSServer
    let listening: @Sendable (Int) -> Void

    func run() async throws {
        let port = try await server.start()
        listening(port)
        try? await gracefulShutdown()
        await server.stop()
    }
}
