import ArgumentParser

@main
struct Switchyard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "DNS traffic policies from git: validate, plan and apply manifests; serve DNS by live health.",
        discussion: """
            Exit codes: 0 success (or no changes), 1 error (invalid manifests, refused plan, unreachable \
            server), 2 changes present (only with --detailed-exitcode), 64 usage error.
            """,
        subcommands: [Validate.self, ReconcileCommand.self, ControllerCommand.self, StatusCommand.self, EventsCommand.self])
}
