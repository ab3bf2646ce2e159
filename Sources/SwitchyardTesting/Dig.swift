import Foundation

/// What `dig` printed for one query: status, flags, EDNS line and the record lines of each section,
/// whitespace normalized to single spaces (`www.example.com. 300 IN A 192.0.2.1`).
public struct DigResult: Sendable, CustomStringConvertible {
    public var status = ""
    public var flags: Set<String> = []
    public var edns: String? = nil
    public var answer: [String] = []
    public var authority: [String] = []
    public var additional: [String] = []
    public var raw = ""

    public var description: String { raw }
}

/// Runs `dig @server -p port ARGS +norec +time=2 +tries=1` and parses it. Loopback only. A query that
/// got no reply at all is sent once more: under the whole suite's load on two cores (a browser among
/// the peers) a reply has taken longer than 2 s; an answer is never asked again.
public func dig(_ arguments: [String], server: String = "127.0.0.1", port: Int) throws -> DigResult {
    let query = ["@\(server)", "-p", "\(port)", "+norec", "+time=2", "+tries=1"] + arguments
    var (_, output) = try run("dig", query)
    if output.contains("communications error") || output.contains("no servers could be reached") {
        (_, output) = try run("dig", query)
    }
    var result = DigResult(raw: output)
    var section: WritableKeyPath<DigResult, [String]>? = nil
    for line in output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        if line.hasPrefix(";; ->>HEADER<<-"), let range = line.range(of: "status: ") {
            result.status = String(line[range.upperBound...].prefix { $0 != "," })
        } else if line.hasPrefix(";; flags:") {
            let flags = line.dropFirst(";; flags:".count).prefix { $0 != ";" }
            result.flags = Set(flags.split(separator: " ").map(String.init))
        } else if line.hasPrefix("; EDNS:") {
            result.edns = line
        } else if line.hasPrefix(";; ANSWER SECTION:") {
            section = \.answer
        } else if line.hasPrefix(";; AUTHORITY SECTION:") {
            section = \.authority
        } else if line.hasPrefix(";; ADDITIONAL SECTION:") {
            section = \.additional
        } else if line.isEmpty || line.hasPrefix(";") {
            if line.isEmpty { section = nil }
        } else if let section {
            result[keyPath: section].append(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " "))
        }
    }
    return result
}
