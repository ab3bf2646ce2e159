import AdminAPI
import ArgumentParser
import Foundation

/// `switchyard status`: the live generation, what each policy serves, and endpoint health.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the live generation, what each policy serves now and every endpoint's health.")

    @OptionGroup var server: ServerOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let state: AdminAPI.State
        do {
            state = try await server.connection.reader.state()
        } catch {
            printError("switchyard: \(error)")
            throw ExitCode(1)
        }
        if output.output == .json {
            var trimmed = state
            trimmed.sources = []
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(trimmed), as: UTF8.self))
            return
        }
        print("generation \(state.generation)" + (state.revision.map { ", revision \($0)" } ?? "") + (state.appliedAt.map { ", applied \($0)" } ?? ""))
        if let error = state.lastError {
            print("last reconcile failed at \(error.time): \(error.error)")
            for line in error.detail { print("  \(line)") }
        }
        if let node = state.node {
            print("fleet node \(node); peers:")
            for peer in state.peers ?? [] {
                let pulled = peer.lastPull.map { "last pulled \($0)" } ?? "never pulled"
                print("  \(peer.node): \(peer.fresh ? "fresh" : "stale"), \(pulled)" + (peer.revision.map { ", revision \($0)" } ?? "")
                      + (peer.error.map { "; \($0)" } ?? ""))
            }
        }
        if !state.serving.isEmpty { print("serving:") }
        for serving in state.serving { print("  \(serving.policy): \(serving.answer)") }
        if !state.health.isEmpty { print("endpoints:") }
        for endpoint in state.health {
            guard let locations = endpoint.locations else {
                print("  \(endpoint.monitor) \(endpoint.endpoint): \(endpoint.state)" + (endpoint.lastResult.map { " (\($0))" } ?? ""))
                continue
            }
            print("  \(endpoint.monitor) \(endpoint.endpoint): \(endpoint.state) by quorum" + (endpoint.stale == true ? " (held: too few fresh locations)" : ""))
            for location in locations {
                let notes = (location.fresh ? [] : ["stale"]) + (location.sameDefinition ? [] : ["other monitor definition"])
                print("    \(location.node): \(location.state)" + (location.lastResult.map { " (\($0))" } ?? "")
                      + (notes.isEmpty ? "" : " [\(notes.joined(separator: ", "))]"))
            }
        }
    }
}
