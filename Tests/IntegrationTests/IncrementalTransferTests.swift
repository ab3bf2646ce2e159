import Foundation
import SwitchyardTesting
import Testing

/// IXFR (RFC 1995) with real peers: BIND and Knot follow a health flip in a 100,000-record zone by a
/// transfer of a few hundred octets; dig sees the condensed difference, the full zone when the journal
/// does not reach back, the SOA alone over UDP; serials survive restarts and NOTIFY only goes out for
/// a change.
@Suite("Incremental zone transfers")
struct IncrementalTransferTests {
    /// The record lines dig prints for a transfer or a query, whitespace made single spaces.
    static func records(_ arguments: [String], port: Int) throws -> [String] {
        let (_, output) = try run("dig", ["@127.0.0.1", "-p", "\(port)", "+time=5", "+tries=1"] + arguments)
        return output.split(separator: "\n").filter { !$0.hasPrefix(";") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") }
    }

    /// The serial of an SOA record line (`zone. ttl IN SOA mname rname serial …`), if it is one.
    static func soaSerial(_ line: String) -> UInt32? {
        let fields = line.split(separator: " ")
        return fields.count >= 7 && fields[3] == "SOA" ? UInt32(fields[6]) : nil
    }

    /// The `bytes=` of our log line, or the "N bytes" (not "bytes/sec") of a secondary's transfer line.
    static func bytes(in line: some StringProtocol) -> Int? {
        let text = String(line)
        if let match = text.firstMatch(of: /bytes=(\d+)/) { return Int(match.1) }
        return text.firstMatch(of: /(\d+) bytes(?!\/)/).flatMap { Int($0.1) }
    }

    // MARK: A health flip in a large zone

    static func largeZone(records: Int, port: Int, secondaries: [Int]) -> String {
        var text = """
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: big.test}
            spec:
              ttl: 3600
              soa: {primary: ns1, contact: hostmaster, refresh: 3600, retry: 600}
              nameservers: [ns1, ns2]
              secondaries: [\(secondaries.map { "{address: \"127.0.0.1:\($0)\"}" }.joined(separator: ", "))]
              records:
                - {name: ns1, type: A, values: [192.0.2.53]}
                - {name: ns2, type: A, values: [192.0.2.54]}

            """
        text.reserveCapacity(records * 60)
        for index in 0..<records {
            text += "    - {name: h\(index), type: A, values: [10.\(index >> 16).\((index >> 8) & 255).\(index & 255)]}\n"
        }
        return text + """
            ---
            apiVersion: switchyard.io/v1
            kind: Monitor
            metadata: {name: web}
            spec: {protocol: http, port: \(port), path: /health, expectBody: ok, interval: 1s, timeout: 500ms,
                   failureThreshold: 1, successThreshold: 1}
            ---
            apiVersion: switchyard.io/v1
            kind: FailoverPolicy
            metadata: {name: www}
            spec:
              zone: big.test
              name: www
              type: A
              ttl: 30
              monitor: web
              tiers: [{name: primary, endpoints: [127.0.0.1]}, {name: secondary, endpoints: [127.0.0.2]}]

            """
    }

    @Test func bothSecondariesFollowAHealthFlipByASmallIXFR() throws {
        let probePort = try freeLoopbackPort()
        let primary = try ProbePeer(.http, host: "127.0.0.1", port: probePort)
        let backup = try ProbePeer(.http, host: "127.0.0.2", port: probePort)
        defer { primary.stop(); backup.stop() }
        let bindPort = try freeLoopbackPort()
        let knotPort = try freeLoopbackPort()
        let manifests = try temporaryDirectory("ixfr-large")
        defer { try? FileManager.default.removeItem(at: manifests) }
        try Self.largeZone(records: 100_000, port: probePort, secondaries: [bindPort, knotPort])
            .write(to: manifests.appendingPathComponent("big.yaml"), atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: manifests, timeout: 120)
        defer { controller.stop() }
        let bind = try BINDServer(zone: "big.test", primaryPort: controller.port, port: bindPort)
        defer { bind.stop() }
        let knot = try KnotSecondary(zone: "big.test", primaryPort: controller.port, port: knotPort)
        defer { knot.stop() }

        func www(_ port: Int) -> String? { (try? dig(["www.big.test", "A"], port: port))?.answer.first?.split(separator: " ").last.map(String.init) }
        let servers = [("BIND", bindPort), ("Knot", knotPort)]
        let loaded = try waitUntil(seconds: 90, every: 0.5) {
            try servers.allSatisfy { try dig(["h99999.big.test", "A"], port: $0.1).answer == ["h99999.big.test. 3600 IN A 10.1.134.159"] }
        }
        #expect(loaded, "the secondaries did not load the zone:\nBIND:\n\(bind.logText)\nKnot:\n\(knot.logText)")
        guard loaded, waitUntil(seconds: 20, { servers.allSatisfy { www($0.1) == "127.0.0.1" } }) else { return }

        // Down, then up again: each time both secondaries serve our new answer within a second of us.
        for (status, body, expected) in [(503, "down", "127.0.0.2"), (200, "ok", "127.0.0.1")] {
            try primary.respond(status: status, body: body)
            #expect(waitUntil(seconds: 20, every: 0.01) { www(controller.port) == expected }, "\(controller.log)")
            let followed = secondsUntil(each: servers.map(\.0), within: 5) { name in
                www(servers.first { $0.0 == name }!.1) == expected
            }
            for (name, _) in servers {
                let seconds = try #require(followed[name], "\(name) did not follow to \(expected)")
                #expect(seconds <= 1, "\(name) followed to \(expected) only after \(seconds) s")
            }
            print("secondaries followed to \(expected): " + followed.sorted { $0.key < $1.key }
                .map { "\($0.key) \(String(format: "%.3f", $0.value)) s" }.joined(separator: ", "))
        }

        // Our transfer log: after the first full transfers, only IXFRs of a few hundred octets.
        let transfers = controller.log.split(separator: "\n").filter { $0.contains("zone transfer") && $0.contains("zone=big.test.") }
        let incremental = transfers.filter { $0.contains("form=IXFR from") }
        #expect(incremental.count >= 4, "\(transfers.joined(separator: "\n"))")
        #expect(incremental.allSatisfy { (Self.bytes(in: $0) ?? .max) < 1024 }, "\(incremental.joined(separator: "\n"))")
        #expect(!transfers.contains { $0.contains("IXFR answered in full") }, "\(transfers.joined(separator: "\n"))")
        // And what the secondaries say they received.
        let knotIXFRs = knot.logText.split(separator: "\n").filter { $0.contains("IXFR, incoming") && $0.contains("finished") }
        #expect(knotIXFRs.count >= 2 && knotIXFRs.allSatisfy { (Self.bytes(in: $0) ?? .max) < 1024 }, "\(knot.logText)")
        let bindTransfers = bind.logText.split(separator: "\n").filter { $0.contains("Transfer completed") }
        #expect(bindTransfers.count >= 3 && bindTransfers.suffix(2).allSatisfy { (Self.bytes(in: $0) ?? .max) < 1024 }, "\(bind.logText)")
    }

    // MARK: dig, the journal's reach, and restarts

    static func smallZone(secondary: Int, www: String, extra: String = "") -> String {
        """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: small.test}
        spec:
          ttl: 3600
          soa: {primary: ns1, contact: hostmaster}
          nameservers: [ns1, ns2]
          secondaries: [{address: "127.0.0.1:\(secondary)"}]
          records:
            - {name: ns1, type: A, values: [192.0.2.53]}
            - {name: ns2, type: A, values: [192.0.2.54]}
            - {name: www, type: A, values: [\(www)]}
        \(extra)
        """
    }

    @Test func digSeesCondensedFullAndSOAAnswersAndSerialsSurviveRestarts() throws {
        let listener = try NotifyListener()
        defer { listener.stop() }
        let manifests = try temporaryDirectory("ixfr-small")
        let data = try temporaryDirectory("ixfr-data")
        defer {
            try? FileManager.default.removeItem(at: manifests)
            try? FileManager.default.removeItem(at: data)
        }
        let file = manifests.appendingPathComponent("small.yaml")
        func write(_ www: String, extra: String = "") throws {
            try Self.smallZone(secondary: listener.port, www: www, extra: extra).write(to: file, atomically: true, encoding: .utf8)
        }
        let mail = "    - {name: mail, type: A, values: [192.0.2.25]}"
        try write("192.0.2.1")
        var controller = try ControllerProcess(manifests: manifests, dataDirectory: data, extraArguments: ["--journal-versions", "3"])
        defer { controller.stop() }
        func serial() throws -> UInt32? { try Self.records(["small.test", "SOA", "+norec"], port: controller.port).first.flatMap(Self.soaSerial) }
        /// Writes the manifests and waits until the serial moves past `after`; the new serial.
        func change(_ www: String, extra: String = "", after: UInt32) throws -> UInt32 {
            try write(www, extra: extra)
            var next: UInt32? = nil
            _ = try waitUntil(seconds: 15) {
                next = try serial()
                return next != nil && next != after
            }
            return try #require(next.flatMap { $0 != after ? $0 : nil }, "the serial did not move:\n\(controller.log)")
        }

        let s0 = try #require(try serial())
        let s1 = try change("192.0.2.2", after: s0)
        let s2 = try change("192.0.2.3", after: s1)
        let s3 = try change("192.0.2.3", extra: mail, after: s2)
        #expect(s0 < s1 && s1 < s2 && s2 < s3)

        // From s1: two versions condensed into one difference, framed by the SOAs (RFC 1995 §4, §6).
        let condensed = try Self.records(["small.test", "IXFR=\(s1)"], port: controller.port)
        #expect(condensed.count == 7, "\(condensed)")
        if condensed.count == 7 {
            #expect([0, 3, 6].allSatisfy { Self.soaSerial(condensed[$0]) == s3 } && Self.soaSerial(condensed[1]) == s1, "\(condensed)")
            #expect(condensed[2] == "www.small.test. 3600 IN A 192.0.2.2", "\(condensed)")
            #expect(Set(condensed[4...5]) == ["www.small.test. 3600 IN A 192.0.2.3", "mail.small.test. 3600 IN A 192.0.2.25"])
        }
        // Up to date: the SOA alone. Over UDP: the SOA alone, whatever the client has.
        #expect(try Self.records(["small.test", "IXFR=\(s3)"], port: controller.port).compactMap(Self.soaSerial) == [s3])
        let udp = try Self.records(["small.test", "IXFR=\(s1)", "+notcp"], port: controller.port)
        #expect(udp.count == 1 && udp.first.flatMap(Self.soaSerial) == s3, "\(udp)")

        // One more version: the journal (3 versions) no longer reaches s0, so IXFR from s0 is the whole zone.
        let s4 = try change("192.0.2.4", extra: mail, after: s3)
        let full = try Self.records(["small.test", "IXFR=\(s0)"], port: controller.port)
        #expect(full.compactMap(Self.soaSerial) == [s4, s4], "\(full)")
        #expect(full.contains("www.small.test. 3600 IN A 192.0.2.4") && full.contains("mail.small.test. 3600 IN A 192.0.2.25"), "\(full)")
        #expect(full.count == 2 + 2 + 3 + 1, "SOA, NS ×2, A ×3, mail, SOA: \(full)")

        // Every change was NOTIFYed; a restart with the same manifests keeps the serial and notifies no one.
        #expect(waitUntil(seconds: 5) { listener.notifies.count >= 4 })
        controller.stop()
        let notified = listener.notifies.count
        controller = try ControllerProcess(manifests: manifests, dataDirectory: data, extraArguments: ["--journal-versions", "3"])
        #expect(try serial() == s4)
        #expect(try Self.records(["small.test", "IXFR=\(s3)"], port: controller.port).compactMap(Self.soaSerial) == [s4, s3, s4, s4],
                "the journal survived the restart")
        usleep(1_000_000)
        #expect(listener.notifies.count == notified, "\(controller.log)")

        // Changed while stopped: a greater serial, and NOTIFY at start.
        controller.stop()
        try write("192.0.2.5", extra: mail)
        controller = try ControllerProcess(manifests: manifests, dataDirectory: data)
        #expect(try waitUntil(seconds: 15) { try serial().map { $0 > s4 } ?? false }, "\(controller.log)")
        #expect(waitUntil(seconds: 5) { listener.notifies.count > notified }, "\(controller.log)")
    }
}
