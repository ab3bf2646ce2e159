import AdminAPI
import ArgumentParser
import Foundation

/// `switchyard state …`: the controller's live state as a file.
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "The live state, for planning where the controller cannot be reached.",
        subcommands: [StateExport.self])
}

/// `switchyard state export [--output FILE]`: `GET /v1/state` as JSON (`schemas/state.schema.json`).
struct StateExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the live state as JSON: generation, revision, the manifests as applied, health, what each policy serves.",
        discussion: """
            The file holds no secret and no token (secrets are the env: and file: references the manifests \\
            hold), so a CI job may publish it: `switchyard reconcile --dry-run --state FILE` plans against \\
            it with no controller and no token, as a pull request from a fork needs. Exit 1 when the \\
            controller cannot be reached.
            """)

    @OptionGroup var server: ServerOptions

    @Option(help: "Write the state to this file instead of standard output.")
    var output: String?

    func run() async throws {
        let state: AdminAPI.State
        do {
            state = try await server.connection.reader.state()
        } catch {
            printError("switchyard: \(error)")
            throw ExitCode(1)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(state) + Data("\n".utf8)
        if let output {
            do { try data.write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                printError("switchyard: cannot write \(output): \(error.localizedDescription)")
                throw ExitCode(1)
            }
            printError("switchyard: generation \(state.generation) written to \(output)")
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}
