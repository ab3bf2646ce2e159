import AdminAPI
import ArgumentParser
import Foundation

/// `switchyard dnssec …`: what a signed zone's parent needs.
struct DNSSECCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dnssec",
        abstract: "The keys of signed zones, as their parents need them.",
        subcommands: [DNSSECDS.self])
}

/// `switchyard dnssec ds ZONE [--dnskey]`: the zone's DS record (SHA-256), from the running controller.
struct DNSSECDS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ds",
        abstract: "Print the DS record (SHA-256) to give the zone's parent, from the controller serving it.",
        discussion: """
            The zone is signed with one combined key (a CSK). Give the parent this DS record (most \\
            registrars ask for key tag, algorithm 13 or 15, digest type 2 and the digest); parents that \\
            scan also find it as the zone's CDS record (RFC 7344). Exit 1 when the controller cannot be \\
            reached, 2 when it does not serve ZONE signed.
            """)

    @OptionGroup var server: ServerOptions

    @Argument(help: "The zone, as its manifest names it (example.com).")
    var zone: String

    @Flag(help: "Print the DNSKEY record as well, for parents that take keys.")
    var dnskey = false

    func run() async throws {
        let state: AdminAPI.State
        do {
            state = try await server.connection.reader.state()
        } catch {
            printError("switchyard: \(error)")
            throw ExitCode(1)
        }
        let name = zone.hasSuffix(".") ? String(zone.dropLast()) : zone
        guard let served = state.zones?.first(where: { $0.zone.lowercased() == name.lowercased() }) else {
            printError("switchyard: the controller does not serve zone \(name); it serves \((state.zones ?? []).map(\.zone).joined(separator: ", "))")
            throw ExitCode(2)
        }
        guard let key = served.dnssec else {
            printError("switchyard: zone \(name) is not signed; set spec.dnssec in its Zone manifest and apply")
            throw ExitCode(2)
        }
        print(key.ds)
        if dnskey { print(key.dnskey) }
    }
}
