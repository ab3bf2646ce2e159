import ArgumentParser
import Controller
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
            state = try await server.reader.get("/v1/state", as: AdminAPI.State.self)
        } catch {
            print("switchyard: \(error)")
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
        if !state.serving.isEmpty { print("serving:") }
        for serving in state.serving { print("  \(serving.policy): \(serving.answer)") }
        if !state.health.isEmpty { print("endpoints:") }
        for endpoint in state.health {
            print("  \(endpoint.monitor) \(endpoint.endpoint): \(endpoint.state)" + (endpoint.lastResult.map { " (\($0))" } ?? ""))
        }
    }
}

/// `switchyard events`: failover and reconcile events with their delivery state per channel.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "List failover and reconcile events, oldest first, with each notifier channel's delivery state.")

    @OptionGroup var server: ServerOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Only events after this sequence number.")
    var since: Int = 0

    func run() async throws {
        let events: AdminAPI.Events
        do {
            events = try await server.reader.get("/v1/events?since=\(since)", as: AdminAPI.Events.self)
        } catch {
            print("switchyard: \(error)")
            throw ExitCode(1)
        }
        if output.output == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(events), as: UTF8.self))
            return
        }
        for event in events.events {
            let deliveries = event.deliveries.map { "\($0.notifier)/\($0.channel) \($0.state)" }.joined(separator: ", ")
            print("#\(event.sequence) \(event.time) \(event.kind) \(event.summary)" + (deliveries.isEmpty ? "" : " [\(deliveries)]"))
        }
    }
}
