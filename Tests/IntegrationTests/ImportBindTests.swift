import Foundation
import SwitchyardTesting
import Testing

/// `switchyard import bind` against BIND's own reading of the same file: the manifest it writes
/// validates, and served by the controller it gives over AXFR the same record sets that
/// `named-checkzone -D` reads from the zone file (the SOA without its serial, which Switchyard numbers).
@Suite("Import from a BIND zone file")
struct ImportBindTests {
    static let switchyard = repositoryRoot.appendingPathComponent(".build/debug/switchyard").path
    static let zoneFile = """
        $TTL 3600
        $ORIGIN example.com.
        @       IN SOA  ns1 hostmaster (
                        2024010101 ; serial
                        7200       ; refresh
                        900        ; retry
                        1209600    ; expire
                        300 )      ; negative TTL
                IN NS   ns1
                IN NS   ns2.example.net.
                IN MX   10 mail
                IN TXT  "v=spf1 mx -all"
        ns1     IN A    192.0.2.53
        mail    300 IN A 192.0.2.25
                IN AAAA 2001:db8::25
        www     IN CNAME web
        web     IN A    192.0.2.80
                IN A    192.0.2.81
        *.apps  IN A    192.0.2.90
        _sip._tcp IN SRV 10 5 5060 sip
        sip     IN A    192.0.2.60
        @       IN CAA  0 issue "letsencrypt.org"
        quote   IN TXT  "say \\"hi\\"; twice" "second string"
        sub     IN NS   ns.sub
        ns.sub  IN A    192.0.2.99
        ssh     IN SSHFP \\# 22 0101 0123456789abcdef0123456789abcdef01234567
        private IN TYPE65280 \\# 3 010203
        $INCLUDE hosts.db
        tail    IN A    192.0.2.200
        """

    @Test func importedZoneServesWhatBINDReads() throws {
        let directory = try temporaryDirectory("import-bind")
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("zones")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try Self.zoneFile.write(to: source.appendingPathComponent("db.example.com"), atomically: true, encoding: .utf8)
        // Relative to the including file; its own $ORIGIN ends with it.
        try "$ORIGIN hosts.example.com.\nh1 60 IN A 192.0.2.11\nh2 IN AAAA 2001:db8::11\n"
            .write(to: source.appendingPathComponent("hosts.db"), atomically: true, encoding: .utf8)

        let manifests = directory.appendingPathComponent("manifests")
        let imported = try run(Self.switchyard, ["import", "bind", source.appendingPathComponent("db.example.com").path,
                                                        "--origin", "example.com", "--output", manifests.path])
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.output.contains("imported 20 records in 19 record sets"), "\(imported.output)")
        let manifestFile = manifests.appendingPathComponent("example.com.yaml")
        var manifest = try String(contentsOf: manifestFile, encoding: .utf8)
        #expect(manifest.contains("{name: www, type: CNAME, values: [web.example.com.]}  # \(source.path)/db.example.com:16"),
                "each record says where it was read:\n\(manifest)")
        let validated = try run(Self.switchyard, ["validate", manifests.path])
        #expect(validated.status == 0, "\(validated.output)\n\(manifest)")

        // Served by the controller, with this host as a secondary so AXFR is allowed.
        manifest = manifest.replacingOccurrences(of: "spec:\n", with: "spec:\n  secondaries: [{address: 127.0.0.1}]\n")
        try manifest.write(to: manifestFile, atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: manifests)
        defer { controller.stop() }
        let ours = try run("dig", ["@127.0.0.1", "-p", "\(controller.port)", "+onesoa", "+nocmd", "+nostats", "+noall", "+answer",
                                   "AXFR", "example.com."])
        // named-checkzone reads $INCLUDE relative to its working directory, as named does.
        let bind = try run("sh", ["-c", "cd '\(source.path)' && named-checkzone -q -D -o - example.com db.example.com"])
        #expect(bind.status == 0, "\(bind.output)")
        let (ourSets, ourSOA) = Self.recordSets(ours.output)
        let (bindSets, bindSOA) = Self.recordSets(bind.output)
        #expect(ourSets == bindSets, "only ours: \(ourSets.subtracting(bindSets).sorted())\nonly BIND's: \(bindSets.subtracting(ourSets).sorted())")
        #expect(ourSOA == bindSOA && ourSOA.count == 6, "SOA without serial: ours \(ourSOA), BIND's \(bindSOA)")
        #expect(bindSets.count == 22)

        // A broken file is reported where it is broken, and nothing is written.
        try "$TTL 60\nwww A 192.0.2.1\nbad IN FOO 1\n".write(to: source.appendingPathComponent("broken.db"), atomically: true, encoding: .utf8)
        let broken = try run(Self.switchyard, ["import", "bind", source.appendingPathComponent("broken.db").path,
                                                      "--origin", "broken.test", "--output", manifests.path])
        #expect(broken.status == 1 && broken.output.contains("broken.db:3:8: unknown record type FOO"), "\(broken.output)")
        #expect(!FileManager.default.fileExists(atPath: manifests.appendingPathComponent("broken.test.yaml").path))
    }

    /// Record lines as "owner ttl class type data" with blanks folded, the SOA taken apart: its fields
    /// but the serial (and its TTL, which a Zone manifest does not set).
    static func recordSets(_ output: String) -> (Set<String>, [String]) {
        var sets: Set<String> = []
        var soa: [String] = []
        for line in output.split(separator: "\n") where !line.hasPrefix(";") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count >= 5 else { continue }
            if fields[3] == "SOA" {
                soa = Array(fields[4...]).enumerated().filter { $0.offset != 2 }.map(\.element)
                continue
            }
            sets.insert(fields.joined(separator: " ").lowercased())
        }
        return (sets, soa)
    }
}
