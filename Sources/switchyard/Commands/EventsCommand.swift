import AdminAPI
import ArgumentParser
import Foundation

/// `switchyard events`: the newest events with the delivery state of each notifier channel.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List the newest events (failover, summaries, drift, reconcile failures) with each notifier channel's delivery state.",
        discussion: """
            Prints the newest --limit events, oldest first. With --since N, the first --limit events after \
            sequence number N instead, to page forward: pass the last number printed. Events older than the \
            controller's --retain (30 days by default) are gone once nothing waits on them.
            """)

    @OptionGroup var server: ServerOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Only events after this sequence number (paging forward).")
    var since: Int?

    @Option(help: "How many events to show (1 to \(AdminAPI.maximumEventLimit)).")
    var limit: Int = AdminAPI.defaultEventLimit

    func validate() throws {
        guard (1...AdminAPI.maximumEventLimit).contains(limit) else {
            throw ValidationError("--limit must be from 1 to \(AdminAPI.maximumEventLimit)")
        }
        if let since, since < 0 { throw ValidationError("--since must be an event sequence number (0 or more)") }
    }

    func run() async throws {
        let events: AdminAPI.Events
        do {
            events = try await server.connection.reader.events(since: since, limit: limit)
        } catch {
            printError("switchyard: \(error)")
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
