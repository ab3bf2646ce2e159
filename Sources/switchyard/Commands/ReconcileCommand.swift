import AdminAPI
import ArgumentParser
import Authority
import Foundation
import Manifests
import Model
import Reconcile

/// `switchyard reconcile`: plans the manifests against the controller's live state and applies the plan.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Plan the manifests against the live state and apply the plan.",
        discussion: """
            Reads the live state from the admin API, prints the plan (+ create, ~ update with old → new per \
            field, - delete, and what each policy would serve now given live health) with its checksum, and \
            applies it unless --dry-run. The apply sends the whole config with the generation it was planned \
            against; the controller refuses it if anything was applied in between (409). A plan that deletes \
            or updates more than 30% of a zone's records (zones of 10 or more), deletes or changes more than \
            30% of a zone's traffic policies (zones of 10 or more) or every one of them, changes the apex NS \
            set or deletes a zone is refused unless --force. With --checksum, the plan is applied only if it \
            is exactly the one reviewed. The plan goes to standard output; errors to standard error. Exit \
            codes: 0 no changes, or applied; 2 changes present (only with --dry-run --detailed-exitcode); 1 \
            error: invalid manifests (nothing is applied), refused or stale plan, unreachable controller; 64 \
            usage error.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    @Option(help: "Manifest directory (or file).")
    var manifests: String = "manifests"

    @OptionGroup var server: ServerOptions

    @Flag(name: .customLong("dry-run"), help: "Print the plan; change nothing.")
    var dryRun = false

    @Option(help: "Output format: text (coloured on a terminal), json (schemas/plan.schema.json) or markdown (for a pull request).")
    var output: Format = .text

    @Flag(name: .customLong("detailed-exitcode"), help: "With --dry-run, exit 2 when the plan has changes (an apply that succeeds exits 0).")
    var detailedExitcode = false

    @Flag(help: "Apply a plan that breaks a safety rule.")
    var force = false

    @Option(help: "Apply only if the plan computed now has exactly this checksum (the one reviewed).")
    var checksum: String?

    @Option(name: .customLong("assume-down"),
            help: "With --dry-run: show what each policy would serve if this endpoint were down (MONITOR/ENDPOINT, such as web/192.0.2.10); repeatable.")
    var assumeDown: [String] = []

    @Option(name: .customLong("assume-up"),
            help: "With --dry-run: show what each policy would serve if this endpoint were up (MONITOR/ENDPOINT); repeatable.")
    var assumeUp: [String] = []

    @Option(help: "With --dry-run: plan against this state file (switchyard state export) instead of the controller: no server, no token.")
    var state: String?

    func validate() throws {
        if !(assumeDown.isEmpty && assumeUp.isEmpty) && !dryRun {
            throw ValidationError("--assume-down and --assume-up ask what would be served: they go with --dry-run, and never apply")
        }
        if state != nil && !dryRun {
            throw ValidationError("--state plans offline against a file: it goes with --dry-run, and never applies")
        }
    }

    /// The live state: from `--state`, else from the controller.
    private func liveState() async -> Result<AdminAPI.State, Error> {
        guard let state else {
            do { return .success(try await server.connection.reader.state()) } catch { return .failure(error) }
        }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: state))
            return .success(try JSONDecoder().decode(AdminAPI.State.self, from: data))
        } catch let error as DecodingError {
            return .failure(StateFileError(path: state, detail: "not a state file (switchyard state export): \(error)"))
        } catch {
            return .failure(StateFileError(path: state, detail: error.localizedDescription))
        }
    }

    func run() async throws {
        let (sources, readProblems) = ManifestFiles.read([manifests])
        // The desired config compiles on another core while the live state is fetched and compiled.
        let compiling = Task.detached { ManifestCompiler.compile(sources) }
        let connection = server.connection
        let fetched = await liveState()
        let liveState = (try? fetched.get()).flatMap { ManifestCompiler.compile($0.sources.map { ManifestSource(path: $0.path, text: $0.text) }).state }
        var compiled = await compiling.value
        guard readProblems.isEmpty, let desired = compiled.state else {
            compiled.diagnostics = (readProblems + compiled.diagnostics).sortedByLocation()
            printError(DiagnosticTextRenderer(useColor: OutputOptions.standardErrorIsColored).render(compiled)
                + "switchyard: the manifests have errors; nothing was planned or applied")
            throw ExitCode(1)
        }
        let live: AdminAPI.State
        switch fetched {
        case .success(let state): live = state
        case .failure(let error):
            printError("switchyard: \(error)")
            throw ExitCode(1)
        }
        if live.generation > 0 && liveState == nil {
            printError("switchyard: the live generation \(live.generation) does not compile with this switchyard; is it older than the controller?")
            throw ExitCode(1)
        }
        let revision = ManifestFiles.revision(of: manifests)
        let assumptions = try Self.assumptions(down: assumeDown, up: assumeUp, in: desired)
        let health = Self.health(live: live, assuming: assumptions)
        let serving = Snapshot.servingDescriptions(state: desired, health: health).map { Plan.Serving(policy: $0.policy.description, answer: $0.answer) }
        let serials = Dictionary((live.zones ?? []).map { ($0.zone, $0.serial) }, uniquingKeysWith: { first, _ in first })
        var plan = Planner.plan(from: liveState, to: desired, baseGeneration: live.generation, baseRevision: revision,
                                serving: serving, liveSerials: serials)
        plan.targets = await TargetPlanLines.read(desired, health: health)
        plan.assumed = assumptions.map { Plan.Assumption(endpoint: "\($0.key.monitor)/\($0.key.value)", isUp: $0.state == .up) }
        switch output {
        case .text: print(PlanRenderer.text(plan, color: OutputOptions().useColor), terminator: "")
        case .json: print(PlanRenderer.json(plan), terminator: "")
        case .markdown: print(PlanRenderer.markdown(plan), terminator: "")
        }
        if dryRun || plan.isEmpty { throw ExitCode(plan.isEmpty || !detailedExitcode ? 0 : 2) }

        if let checksum, checksum != plan.checksum {
            printError("switchyard: the plan's checksum is \(plan.checksum), not the reviewed \(checksum); nothing applied")
            throw ExitCode(1)
        }
        if !plan.refusals.isEmpty && !force {
            printError("switchyard: the plan is refused without --force; nothing applied")
            throw ExitCode(1)
        }
        do {
            let result = try await connection.writer().apply(AdminAPI.ApplyRequest(
                baseGeneration: live.generation, revision: revision, checksum: plan.checksum, force: force,
                sources: sources.map(SourceFile.init)))
            print("switchyard: applied as generation \(result.generation) (\(result.summary), checksum \(result.checksum))")
        } catch {
            printError("switchyard: \(error)")
            throw ExitCode(1)
        }
    }

    /// The endpoints named by `--assume-down` and `--assume-up`, each checked against the monitored
    /// endpoints of `desired`; a name that is not one of them is a usage error listing some that are.
    static func assumptions(down: [String], up: [String], in desired: DesiredState) throws -> [(key: EndpointKey, state: HealthState)] {
        try (down.map { ($0, HealthState.down) } + up.map { ($0, HealthState.up) }).map { text, state in
            (try endpointKey(text, in: desired, named: "--assume-\(state == .up ? "up" : "down") \"\(text)\""), state)
        }
    }

    /// The monitored endpoint `text` (MONITOR/ENDPOINT) names in `desired`; otherwise a usage error that
    /// starts with `named` and lists some that are.
    static func endpointKey(_ text: String, in desired: DesiredState, named: String) throws -> EndpointKey {
        let known = desired.monitoredEndpoints
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let value = EndpointValue(text: parts[1]),
              let key = known.first(where: { $0.monitor == parts[0] && $0.value == value }) else {
            let examples = known.prefix(6).map { "\($0.monitor)/\($0.value)" }.joined(separator: ", ")
            throw ValidationError("\(named) is not a monitored endpoint of these manifests; "
                                  + (known.isEmpty ? "they monitor none" : "expected MONITOR/ENDPOINT such as \(examples)"))
        }
        return key
    }

    /// The live health, with `assuming` over it.
    static func health(live: AdminAPI.State, assuming: [(key: EndpointKey, state: HealthState)] = []) -> HealthTable {
        var health = HealthTable()
        for endpoint in live.health {
            guard let state = HealthState(rawValue: endpoint.state) else { continue }
            if let value = EndpointValue(text: endpoint.endpoint) {
                health.set(state, for: EndpointKey(monitor: endpoint.monitor, value: value))
            }
        }
        for (key, state) in assuming { health.set(state, for: key) }
        return health
    }
}

/// A `--state` file that cannot be read as a live state.
private struct StateFileError: Error, CustomStringConvertible {
    var path: String
    var detail: String
    var description: String { "\(path): \(detail)" }
}
