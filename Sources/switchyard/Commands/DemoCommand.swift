import ArgumentParser
import Foundation
import Logging
import Manifests
import Model
import ServiceLifecycle

/// `switchyard demo`: a controller on the manifests together with what makes them real on this machine.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a controller on the manifests with their endpoints and notifier receivers served on this machine (make run).",
        discussion: """
            `switchyard demo` serves every monitored endpoint of the manifests on its own address, as its \
            monitor expects (HTTP and HTTPS with the expected status and body, under a CA of its own that \
            the web monitor trusts; TCP; UDP), receives the notifiers' email (SMTP) and webhooks where they \
            point at this machine and prints each, sets the notifiers' secrets for both sides, and runs \
            `switchyard controller` on the same manifests (options after `--` go to it). `demo fail \
            MONITOR/ENDPOINT` makes an endpoint fail its probes and `demo recover` brings it back. The \
            demo's state lives in <data-dir>/demo; nothing of it is needed in production.
            """,
        subcommands: [DemoRun.self, DemoFail.self, DemoRecover.self], defaultSubcommand: DemoRun.self)
}

/// Options every demo command shares.
struct DemoOptions: ParsableArguments {
    @Option(help: "Manifest directory (or file).")
    var manifests: String = "manifests"

    @Option(name: .customLong("data-dir"), help: "The controller's data directory; the demo's state goes in its demo/.")
    var dataDirectory: String = ".switchyard"

    /// The manifests compiled, or their errors on standard error and exit 1.
    func desiredState() throws -> DesiredState {
        let (sources, problems) = ManifestFiles.read([manifests])
        var compiled = ManifestCompiler.compile(sources)
        guard problems.isEmpty, let state = compiled.state else {
            compiled.diagnostics = (problems + compiled.diagnostics).sortedByLocation()
            printError(DiagnosticTextRenderer(useColor: OutputOptions.standardErrorIsColored).render(compiled)
                + "switchyard: the manifests have errors; nothing was started")
            throw ExitCode(1)
        }
        return state
    }
}

struct DemoRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Serve the endpoints and receivers, and run the controller.")

    @OptionGroup var options: DemoOptions

    @Argument(parsing: .captureForPassthrough, help: "Options for the controller, after --: see switchyard controller --help.")
    var controllerOptions: [String] = []

    func run() async throws {
        let state = try options.desiredState()
        let demo = DemoState(dataDirectory: options.dataDirectory)
        try? FileManager.default.removeItem(at: demo.downDirectory)  // every endpoint starts up
        let credentials = DemoSinks.Credentials(username: "demo", password: try demo.secret("smtp-password"),
                                                webhookSecret: try demo.secret("webhook-secret"))
        // Both sides get the same secrets: the controller reads them where the manifests say.
        for notifier in state.notifiers {
            for (reference, value) in [(notifier.email?.username, credentials.username), (notifier.email?.password, credentials.password),
                                       (notifier.webhook?.secret, credentials.webhookSecret)] {
                if case .environment(let name)? = reference { setenv(name, value, 1) }
            }
        }
        let monitors = Dictionary(state.monitors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let https = state.monitoredEndpoints.filter { monitors[$0.monitor]?.protocol == .https }
        let certificate = https.isEmpty ? nil : try DemoCertificate.ensure(
            in: demo.directory, names: Array(Set(https.compactMap { monitors[$0.monitor]?.host } + ["localhost"])).sorted(),
            addresses: https.map(\.value.description))
        var quiet = Logger(label: "switchyard-demo") { StreamLogHandler.standardError(label: $0) }
        quiet.logLevel = .warning
        // Unbuffered, one line at a time, whether standard output is a terminal or a pipe.
        let printer: @Sendable (String) -> Void = { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        let services = try DemoEndpoints.services(for: state, demo: demo, certificate: certificate, logger: quiet)
            + DemoSinks.services(for: state, credentials: credentials, print: printer, logger: quiet)
        let endpoints = state.monitoredEndpoints.map { "\($0.monitor)/\($0.value)" }
        printer("demo: serving \(endpoints.count) endpoints (\(endpoints.joined(separator: ", "))) and the notifiers' receivers; "
                + "`switchyard demo fail MONITOR/ENDPOINT` makes one fail")
        let passed = controllerOptions.first == "--" ? Array(controllerOptions.dropFirst()) : controllerOptions
        let controller = try ControllerCommand.parse(["--manifests", options.manifests, "--data-dir", options.dataDirectory] + passed)
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: quiet))
        // The controller ends on SIGTERM/SIGINT, and the endpoints and receivers stop after it; one that
        // cannot listen ends the demo (the controller is cancelled, and shuts down as on a signal).
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                do {
                    try await controller.run()
                } catch {
                    await group.triggerGracefulShutdown()
                    throw error
                }
                await group.triggerGracefulShutdown()
            }
            try await tasks.waitForAll()
        }
    }
}

struct DemoFail: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fail", abstract: "Make endpoints of a running demo fail their probes.")

    @OptionGroup var options: DemoOptions

    @Argument(help: "MONITOR/ENDPOINT, such as web/127.0.0.10.")
    var endpoints: [String]

    func run() throws {
        try DemoRecover.set(endpoints, down: true, options: options)
    }
}

struct DemoRecover: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "recover", abstract: "Let failed endpoints of a running demo pass their probes again.")

    @OptionGroup var options: DemoOptions

    @Argument(help: "MONITOR/ENDPOINT, such as web/127.0.0.10.")
    var endpoints: [String]

    func run() throws {
        try DemoRecover.set(endpoints, down: false, options: options)
    }

    static func set(_ endpoints: [String], down: Bool, options: DemoOptions) throws {
        let state = try options.desiredState()
        let keys = try endpoints.map { try ReconcileCommand.endpointKey($0, in: state, named: "\"\($0)\"") }
        let demo = DemoState(dataDirectory: options.dataDirectory)
        for key in keys {
            try demo.setDown(key, down)
            print("demo: \(key.monitor)/\(key.value) " + (down ? "fails its probes now" : "passes its probes again"))
        }
    }
}
