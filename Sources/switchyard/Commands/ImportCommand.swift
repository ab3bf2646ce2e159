import ArgumentParser
import DNSWire
import Foundation
import Manifests

/// `switchyard import …`: manifests from the DNS data a team already has.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write manifests from existing DNS data.",
        subcommands: [ImportBind.self, ImportOctoDNS.self])
}

/// `switchyard import bind FILE --origin ZONE [--output DIR]`: a Zone manifest from a master-format file.
struct ImportBind: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bind",
        abstract: "Write a Zone manifest from a zone file in master format (as BIND, NSD and Knot read them).",
        discussion: """
            Reads $ORIGIN, $TTL and $INCLUDE (relative to the including file), relative and omitted owner \
            names and TTLs, parentheses, comments and quoted strings; A, AAAA, NS, CNAME, PTR, MX, SOA, TXT, \
            SRV and CAA in their own form and any type as RFC 3597 \\# data. Writes the manifest to standard \
            output, or to DIR/ZONE.yaml with --output, and says on standard error what was imported and \
            what was left out (DNSSEC records, DNAME, ZONEMD, records outside the zone). A problem in the \
            file is reported as FILE:LINE:COLUMN and nothing is written; exit 1.
            """)

    @Argument(help: "The zone file.")
    var file: String

    @Option(help: "The zone's name (the initial $ORIGIN), such as example.com.")
    var origin: String

    @Option(help: "Write DIR/ZONE.yaml instead of printing the manifest.")
    var output: String?

    func run() throws {
        let zone: Name
        do { zone = try Name(origin.hasSuffix(".") ? origin : origin + ".") } catch {
            throw ValidationError("--origin \"\(origin)\" is not a domain name: \(error.message)")
        }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            printError("switchyard: cannot read \(file) as UTF-8 text")
            throw ExitCode(1)
        }
        let result: ZoneImport.Result
        do {
            let entries = try MasterFile.read(text, file: file, origin: zone) { path, from in
                // Relative to the including file, as BIND reads it.
                let resolved = path.hasPrefix("/") ? path : URL(fileURLWithPath: from).deletingLastPathComponent().appendingPathComponent(path).path
                guard let included = try? String(contentsOfFile: resolved, encoding: .utf8) else { throw Unreadable(path: resolved) }
                return (resolved, included)
            }
            result = try ZoneImport.manifest(origin: zone, entries: entries)
        } catch let problem as MasterFile.Problem {
            printError("\(problem)")
            throw ExitCode(1)
        } catch let problem as ZoneImport.Problem {
            printError("\(file): \(problem)")
            throw ExitCode(1)
        }
        let name = String(zone.description.dropLast())
        if let output {
            let path = URL(fileURLWithPath: output).appendingPathComponent("\(name).yaml").path
            do {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                try result.manifest.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                printError("switchyard: cannot write \(path): \(error.localizedDescription)")
                throw ExitCode(1)
            }
            printError("imported \(result.records) records in \(result.recordSets) record sets into \(path)")
        } else {
            print(result.manifest, terminator: "")
            printError("imported \(result.records) records in \(result.recordSets) record sets")
        }
        for line in result.skipped { printError("left out: \(line)") }
    }
}

/// `switchyard import octodns DIR [--output DIR]`: manifests from an octoDNS YamlProvider directory.
struct ImportOctoDNS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "octodns",
        abstract: "Write Zone manifests (and policies) from an octoDNS YamlProvider directory.",
        discussion: """
            Reads every <zone>.yaml in DIR. Static records become a Zone manifest per zone (octoDNS does not \
            manage the SOA: its primary is the first apex name server, its timers the defaults). A dynamic \
            record becomes a WeightedPolicy (one pool), a FailoverPolicy (a chain of fallback pools) or a \
            GeoPolicy (rules with geos and subnets), with a Monitor from its healthcheck, in \
            <zone>.policies.yaml; one that does not map cleanly is a comment saying why. octodns: keys are \
            ignored. Writes to standard output, or the files into --output; says on standard error what \
            was left out. A zone that cannot be read is reported with FILE:LINE:COLUMN; exit 1.
            """)

    @Argument(help: "The YamlProvider directory.")
    var directory: String

    @Option(help: "Write the manifests into this directory instead of printing them.")
    var output: String?

    func run() throws {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            printError("switchyard: cannot read the directory \(directory)")
            throw ExitCode(1)
        }
        var sources: [ManifestSource] = []
        for name in names.sorted() where name.hasSuffix(".yaml") {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path) else {
                printError("switchyard: cannot read \(path)")
                throw ExitCode(1)
            }
            sources.append(ManifestSource(path: path, bytes: Array(data)))
        }
        let result = OctoDNSImport.convert(sources)
        for problem in result.problems { printError(problem) }
        guard result.problems.isEmpty else { throw ExitCode(1) }
        if let output {
            do {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                for file in result.outputs {
                    try file.text.write(toFile: URL(fileURLWithPath: output).appendingPathComponent(file.fileName).path, atomically: true,
                                        encoding: .utf8)
                }
            } catch {
                printError("switchyard: cannot write into \(output): \(error.localizedDescription)")
                throw ExitCode(1)
            }
            printError("imported \(sources.count) zone files into \(result.outputs.map { "\(output)/\($0.fileName)" }.joined(separator: ", "))")
        } else {
            print(result.outputs.map(\.text).joined(separator: "---\n"), terminator: "")
        }
        for note in result.notes { printError("left out: \(note)") }
    }
}

/// A file named by `$INCLUDE` that cannot be read.
private struct Unreadable: Error, CustomStringConvertible {
    var path: String
    var description: String { "\(path) does not exist or is not UTF-8 text" }
}
