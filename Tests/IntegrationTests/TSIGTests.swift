import Foundation
import SwitchyardTesting
import Testing

/// TSIG (RFC 8945) with real peers: dig's `-y`, and BIND as a secondary that signs every request.
@Suite("TSIG")
struct TSIGTests {
    static func zone(secondary: String, records: Int) -> String {
        let extra = (0..<records).map { "    - {name: host\($0), type: A, values: [10.0.\($0 / 250).\($0 % 250)]}" }
        return """
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.com}
            spec:
              ttl: 3600
              soa: {primary: ns1, contact: hostmaster, refresh: 3600, retry: 60}
              nameservers: [ns1, ns2]
              secondaries: [{address: "\(secondary)", tsigKey: xfr}]
              records:
                - {name: www, type: A, values: [192.0.2.1]}

            """ + extra.joined(separator: "\n") + "\n"
    }

    static func secret() -> String {
        Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    }

    @Test func digSignsAndVerifies() throws {
        let manifests = try temporaryDirectory("tsig-dig")
        defer { try? FileManager.default.removeItem(at: manifests) }
        try Self.zone(secondary: "127.0.0.1", records: 5).write(to: manifests.appendingPathComponent("zone.yaml"), atomically: true, encoding: .utf8)
        let key = Self.secret()
        let controller = try ControllerProcess(manifests: manifests, environment: ["SWITCHYARD_TSIG_XFR": key])
        defer { controller.stop() }

        let signed = try run("dig", ["@127.0.0.1", "-p", "\(controller.port)", "example.com", "AXFR", "-y", "hmac-sha256:xfr:\(key)"]).output
        #expect(signed.contains("www.example.com.\t3600\tIN\tA\t192.0.2.1"), "\(signed)")
        #expect(!signed.contains("Couldn't verify"), "\(signed)")
        #expect(!signed.contains("failed"), "\(signed)")

        let wrongKey = try run("dig", ["@127.0.0.1", "-p", "\(controller.port)", "example.com", "AXFR", "-y", "hmac-sha256:xfr:\(Self.secret())"]).output
        #expect(wrongKey.contains("BADSIG"), "\(wrongKey)")
        #expect(!wrongKey.contains("192.0.2.1"))

        let unknownKey = try run("dig", ["@127.0.0.1", "-p", "\(controller.port)", "example.com", "AXFR", "-y", "hmac-sha256:other:\(key)"]).output
        #expect(unknownKey.contains("BADKEY"), "\(unknownKey)")

        let unsigned = try run("dig", ["@127.0.0.1", "-p", "\(controller.port)", "example.com", "AXFR"]).output
        #expect(unsigned.contains("Transfer failed"), "\(unsigned)")

        // A MAC truncated to 128 bits (RFC 8945 §5.2.2.1): more than this server accepts, so BADTRUNC.
        let truncated = try dig(["example.com", "SOA", "-y", "hmac-sha256-128:xfr:\(key)"], port: controller.port)
        #expect(truncated.status == "NOTAUTH" && truncated.raw.contains("BADTRUNC"), "\(truncated)")

        let query = try dig(["example.com", "SOA", "-y", "hmac-sha256:xfr:\(key)"], port: controller.port)
        #expect(query.status == "NOERROR")
        #expect(query.raw.contains("TSIG PSEUDOSECTION"))
        #expect(!query.raw.contains("Couldn't verify"), "\(query)")
    }

    @Test func bindTransfersWithTheKeyAcrossManyMessages() throws {
        let bindPort = try freeLoopbackPort()
        let manifests = try temporaryDirectory("tsig-bind")
        defer { try? FileManager.default.removeItem(at: manifests) }
        // 2000 records make the transfer several messages, so later messages' MACs chain (RFC 8945 §5.3.1).
        try Self.zone(secondary: "127.0.0.1:\(bindPort)", records: 2000)
            .write(to: manifests.appendingPathComponent("zone.yaml"), atomically: true, encoding: .utf8)
        let key = Self.secret()
        let controller = try ControllerProcess(manifests: manifests, environment: ["SWITCHYARD_TSIG_XFR": key])
        defer { controller.stop() }
        let bind = try BINDServer(zone: "example.com", primaryPort: controller.port, port: bindPort, key: ("xfr", key))
        defer { bind.stop() }

        let deadline = Date().addingTimeInterval(20)
        var loaded = false
        while !loaded && Date() < deadline {
            loaded = try dig(["host1999.example.com", "A"], port: bindPort).answer == ["host1999.example.com. 3600 IN A 10.0.7.249"]
            if !loaded { usleep(200_000) }
        }
        #expect(loaded, "BIND did not transfer with TSIG:\n\(bind.logText)")
        #expect(!bind.logText.contains("tsig verify failure"), "\(bind.logText)")
    }

    /// Keys from files and the environment: a secret rotated in its file is used for the next transfer
    /// without a restart, NOTIFY to BIND is signed with the key, and an old peer's hmac-sha1 key works.
    @Test func aRotatedSecretIsUsedWithoutARestartAndNotifyIsSigned() throws {
        let bindPort = try freeLoopbackPort()
        let directory = try temporaryDirectory("tsig-rotate")
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyFile = directory.appendingPathComponent("xfr.key")
        let first = Self.secret()
        try "\(first)\n".write(to: keyFile, atomically: true, encoding: .utf8)
        let manifests = directory.appendingPathComponent("manifests")
        try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
        func write(www: String) throws {
            try """
                apiVersion: switchyard.io/v1
                kind: Zone
                metadata: {name: example.com}
                spec:
                  ttl: 3600
                  soa: {primary: ns1, contact: hostmaster, refresh: 3600, retry: 600}
                  nameservers: [ns1, ns2]
                  secondaries:
                    - {address: "127.0.0.1:\(bindPort)", tsigKey: {name: xfr, secretFrom: "file:\(keyFile.path)"}}
                    - {address: 127.0.0.2, tsigKey: {name: old-peer, algorithm: hmac-sha1, secretFrom: "env:OLD_PEER_KEY"}}
                  records:
                    - {name: www, type: A, values: [\(www)]}

                """.write(to: manifests.appendingPathComponent("zone.yaml"), atomically: true, encoding: .utf8)
        }
        try write(www: "192.0.2.1")
        let oldPeer = Self.secret()
        let controller = try ControllerProcess(manifests: manifests, environment: ["OLD_PEER_KEY": oldPeer])
        defer { controller.stop() }
        let bind = try BINDServer(zone: "example.com", primaryPort: controller.port, port: bindPort, key: ("xfr", first))
        defer { bind.stop() }
        #expect(try waitUntil(seconds: 20) { try dig(["www.example.com", "A"], port: bindPort).answer.first?.hasSuffix("192.0.2.1") == true },
                "\(bind.logText)")

        // A change: the NOTIFY BIND gets is signed with the key, and BIND verifies it.
        try write(www: "192.0.2.2")
        #expect(try waitUntil(seconds: 15) { try dig(["www.example.com", "A"], port: bindPort).answer.first?.hasSuffix("192.0.2.2") == true },
                "\(bind.logText)")
        #expect(bind.logText.contains("received notify for zone 'example.com': TSIG 'xfr'"), "\(bind.logText)")
        #expect(!bind.logText.contains("tsig verify failure") && !bind.logText.contains("invalid signature"), "\(bind.logText)")

        // The secret rotated in its file (the manifests unchanged): the new one is used, the old one refused.
        let second = Self.secret()
        try "\(second)\n".write(to: keyFile, atomically: true, encoding: .utf8)
        func transfer(_ key: String, from source: String = "127.0.0.1") throws -> String {
            try run("dig", ["@127.0.0.1", "-p", "\(controller.port)", "-b", source, "example.com", "AXFR", "-y", key]).output
        }
        #expect(try waitUntil(seconds: 10, every: 0.2) { try transfer("hmac-sha256:xfr:\(second)").contains("IN\tA\t192.0.2.2") },
                "\(controller.log)")
        #expect(try transfer("hmac-sha256:xfr:\(first)").contains("BADSIG"))
        #expect(!controller.log.contains(first) && !controller.log.contains(second), "secrets never reach the log")

        let sha1 = try transfer("hmac-sha1:old-peer:\(oldPeer)", from: "127.0.0.2")
        #expect(sha1.contains("IN\tA\t192.0.2.2") && !sha1.contains("failed"), "\(sha1)")
    }
}
