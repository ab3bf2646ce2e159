import DNSWire
import Foundation
import NIOCore
import NIOPosix
import Server
import SwitchyardTesting
import Targets
import Testing

/// RFC 2136 UPDATEs as a push to a target sends them, against BIND 9 as the primary that takes them:
/// an RRset replaced whole under a prerequisite that it is what we last wrote (or absent), TSIG-signed
/// over TCP; a stale prerequisite or a wrong key is refused and changes nothing.
@Suite("Dynamic updates to BIND")
struct DynamicUpdateTests {
    static let zone = try! Name("example.test.")
    static let owner = try! Name("www.example.test.")
    static let secret = Array("switchyard-update-test-secret-32".utf8)

    static func records(_ addresses: [String], ttl: UInt32 = 60) -> [ResourceRecord] {
        addresses.map { ResourceRecord(name: owner, ttl: ttl, data: .a(IPv4Address($0)!)) }
    }

    @Test func replaceUnderPrerequisiteSignedWithTSIG() async throws {
        let port = try freeLoopbackPort()
        let bind = try BINDServer(primaryOf: "example.test", zoneText: """
            $TTL 300
            @   SOA ns1 hostmaster 1 3600 600 1209600 300
                NS  ns1
            ns1 A   192.0.2.53
            www A   192.0.2.1
            """, port: port, updateKey: ("switchyard", "hmac-sha256", Data(Self.secret).base64EncodedString()))
        defer { bind.stop() }
        func answer(_ name: String) throws -> [String] {
            try dig([name, "A"], port: port).answer
        }
        let served = try waitUntil(seconds: 10) {
            (try? answer("www.example.test")) == ["www.example.test. 300 IN A 192.0.2.1"]
                && (try? dig(["+tcp", "www.example.test", "A"], port: port).answer.count) == 1  // TCP too, as UPDATEs go
        }
        #expect(served, "BIND did not serve the zone: \(bind.logText)")

        let group = MultiThreadedEventLoopGroup.singleton
        let client = UpdateClient(group: group)
        let key = try Name("switchyard.")
        let keyring = TSIGKeyring(keys: [key: (.hmacSHA256, Self.secret)])
        func push(_ records: [ResourceRecord], expecting: [ResourceRecord]?, owner: Name = Self.owner, key: Name = key,
                  keyring: TSIGKeyring = keyring) async throws -> UpdateClient.Answer {
            let update = DynamicUpdate.replacing(.a, at: owner, in: Self.zone, with: records.map { var r = $0; r.name = owner; return r },
                                                 expecting: expecting?.map { var r = $0; r.name = owner; return r },
                                                 id: UInt16.random(in: 1 ... .max))
            // A connection that closes before the UPDATE is written (seen once under the full suite's
            // load) delivered nothing: it is tried again, as a pusher would; DNS answers are never retried.
            for _ in 1..<3 {
                do { return try await client.send(update, to: "127.0.0.1", port: port, key: key, keyring: keyring) } catch is ChannelError {
                    try await Task.sleep(nanoseconds: 500_000_000)
                }
            }
            return try await client.send(update, to: "127.0.0.1", port: port, key: key, keyring: keyring)
        }

        // What we wrote last is there: replaced whole, atomically, with the new TTL.
        #expect(try await push(Self.records(["192.0.2.2", "192.0.2.3"]), expecting: Self.records(["192.0.2.1"], ttl: 300))
                == UpdateClient.Answer(rcode: .noError))
        #expect(try answer("www.example.test").sorted() == ["www.example.test. 60 IN A 192.0.2.2", "www.example.test. 60 IN A 192.0.2.3"])
        // Someone else's edit (or our stale memory): the prerequisite fails and nothing changes.
        #expect(try await push(Self.records(["192.0.2.9"]), expecting: Self.records(["192.0.2.1"])).rcode == .nxRRSet)
        #expect(try answer("www.example.test").count == 2)
        // A first push to a name expects nothing there; the second such push finds it.
        let fresh = try Name("new.example.test.")
        #expect(try await push(Self.records(["192.0.2.7"]), expecting: nil, owner: fresh).rcode == .noError)
        #expect(try answer("new.example.test") == ["new.example.test. 60 IN A 192.0.2.7"])
        #expect(try await push(Self.records(["192.0.2.8"]), expecting: nil, owner: fresh).rcode == .yxRRSet)
        // Nothing to give: the RRset goes.
        #expect(try await push([], expecting: Self.records(["192.0.2.7"]), owner: fresh).rcode == .noError)
        #expect(try answer("new.example.test").isEmpty)

        // A wrong secret or an unknown key is refused with NOTAUTH and the TSIG error, and changes nothing.
        let wrong = TSIGKeyring(keys: [key: (.hmacSHA256, Array("not-the-secret-of-switchyard-key".utf8))])
        let badSignature = try await push(Self.records(["192.0.2.66"]), expecting: Self.records(["192.0.2.2", "192.0.2.3"]), keyring: wrong)
        #expect(badSignature == UpdateClient.Answer(rcode: .notAuth, tsigError: .badSignature), "\(badSignature)")
        let stranger = try Name("stranger.")
        let badKey = try await push(Self.records(["192.0.2.66"]), expecting: Self.records(["192.0.2.2", "192.0.2.3"]), key: stranger,
                                    keyring: TSIGKeyring(keys: [stranger: (.hmacSHA256, Self.secret)]))
        #expect(badKey == UpdateClient.Answer(rcode: .notAuth, tsigError: .badKey), "\(badKey)")
        #expect(try answer("www.example.test").sorted() == ["www.example.test. 60 IN A 192.0.2.2", "www.example.test. 60 IN A 192.0.2.3"])
        // Unsigned: BIND refuses an update its policy does not allow.
        let unsigned = DynamicUpdate.replacing(.a, at: Self.owner, in: Self.zone, with: Self.records(["192.0.2.66"]), expecting: nil, id: 7)
        #expect(try await client.send(unsigned, to: "127.0.0.1", port: port, key: nil, keyring: TSIGKeyring()).rcode == .refused)
    }
}
