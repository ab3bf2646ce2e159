import ArgumentParser

@main
struct Switchyard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "DNS traffic policies from git: validate, plan and apply manifests; serve DNS by live health.",
        discussion: """
            Results go to standard output, errors and logs to standard error. Exit codes: 0 success (or no \
            changes), 1 error (invalid manifests, refused plan, unreachable server), 2 changes present (only \
            with --dry-run --detailed-exitcode), 64 usage error.
            """,
        subcommands: [Validate.self, ReconcileCommand.self, ControllerCommand.self, StatusCommand.self, EventsCommand.self,
                      ImportCommand.self, StateCommand.self, DNSSECCommand.self, DemoCommand.self])

    /// `--git-sync` alone means `--git-sync=ff-only`: an option whose value may be left out, which
    /// argument-parser does not have, so the bare flag is spelled out before parsing.
    static func main() async {
        await main(CommandLine.arguments.dropFirst().map { $0 == "--git-sync" ? "--git-sync=ff-only" : $0 })
    }
}
