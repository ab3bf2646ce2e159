import Foundation

/// What Debian's `dnsviz` finds in a signed zone served on a loopback port: `dnsviz probe -A` of the
/// zone and `names` at that server alone (no ancestors asked, `-x ZONE+:`), then `dnsviz grok` with the
/// zone's DNSKEY as trusted key. Every `status` seen (SECURE, VALID, BOGUS, …) and each error or
/// warning reported, as `path: detail`.
public struct DNSVizReport: Sendable, CustomStringConvertible {
    public var statuses: Set<String> = []
    public var problems: [String] = []
    public var description: String { "statuses \(statuses.sorted()); problems:\n" + problems.joined(separator: "\n") }

    public init(zone: String, names: [String], port: Int, dnskey: String) throws {
        let directory = try temporaryDirectory("dnsviz")
        defer { try? FileManager.default.removeItem(at: directory) }
        let probe = directory.appendingPathComponent("probe.json")
        let probed = try run("dnsviz", ["probe", "-A", "-x", "\(zone)+:127.0.0.1:\(port)", "-o", probe.path, zone] + names, timeout: 120)
        guard probed.status == 0 else { throw Failure(output: probed.output) }
        let anchors = directory.appendingPathComponent("trusted-keys.txt")
        try "\(zone). IN DNSKEY \(dnskey)\n".write(to: anchors, atomically: true, encoding: .utf8)
        let grok = directory.appendingPathComponent("grok.json")
        let grokked = try run("/usr/bin/python3", [repositoryRoot.appendingPathComponent("Tests/Peers/dnsviz_grok.py").path, "grok",
                                                   "-t", anchors.path, "-r", probe.path, "-o", grok.path], timeout: 120)
        guard grokked.status == 0 else { throw Failure(output: grokked.output) }
        let tree = try JSONSerialization.jsonObject(with: Data(contentsOf: grok))
        walk(tree, path: "")
        guard !statuses.isEmpty else { throw Failure(output: "dnsviz grok reported nothing: \(grokked.output)") }
    }

    private mutating func walk(_ node: Any, path: String) {
        if let object = node as? [String: Any] {
            for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                if key == "status", let status = value as? String { statuses.insert(status) }
                if key == "errors" || key == "warnings" {
                    let detail = (try? JSONSerialization.data(withJSONObject: value)).map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
                    problems.append("\(path)/\(key): \(detail)")
                }
                walk(value, path: "\(path)/\(key)")
            }
        } else if let array = node as? [Any] {
            for (index, value) in array.enumerated() { walk(value, path: "\(path)[\(index)]") }
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let output: String
        public var description: String { "dnsviz failed: \(output)" }
    }
}
