import DNSWire
import Foundation
import Model
import NIOPosix
import Server
import SwitchyardTesting
import Targets
import Testing

/// One target's sync against BIND 9 as the primary, pass by pass: what is pushed, what is refused, and
/// what is reported when someone else edits the RRset between our writes.
@Suite("Target sync against BIND")
struct TargetSyncTests {
    static let secret = Array("switchyard-sync-test-secret-0032".utf8)
    static let owner = try! Name("app.corp.test.")
    static let key = try! Name("switchyard.")
    static let policy = PolicyID(.failover, "app")

    static func set(_ addresses: [String], ttl: UInt32 = 30) -> TargetRecordSet {
        TargetRecordSet(target: "corp", policy: policy, owner: owner, type: .a, ttl: ttl,
                        data: addresses.map { .a(IPv4Address($0)!) })
    }

    static func startBIND() throws -> BINDServer {
        let bind = try BINDServer(primaryOf: "corp.test", zoneText: """
            $TTL 300
            @   SOA ns1 hostmaster 1 3600 600 1209600 300
                NS  ns1
            ns1 A   192.0.2.53
            """, port: try freeLoopbackPort(), updateKey: ("switchyard", "hmac-sha256", Data(secret).base64EncodedString()))
        // Over TCP, as the sync talks: under load an UPDATE sent the moment named answers over UDP has
        // met a connection closed at once.
        let served = try waitUntil(seconds: 10) { (try? dig(["+tcp", "corp.test", "SOA"], port: bind.port).answer.count) == 1 }
        #expect(served, "BIND did not serve the zone: \(bind.logText)")
        return bind
    }

    static func target(port: Int, key: Name? = key) throws -> Target {
        Target(name: "corp", zone: try Name("corp.test."), host: .address(IPAddress("127.0.0.1")!), port: UInt16(port),
               tsigKey: key.map { TSIGKey(name: $0, secret: .environment("UNUSED")) })
    }

    @Test func anEditBetweenOurWritesIsReportedNotOverwrittenThenPutRight() async throws {
        let bind = try Self.startBIND()
        defer { bind.stop() }
        let keyring = TSIGKeyring(keys: [Self.key: (.hmacSHA256, Self.secret)])
        let client = TargetClient(target: try Self.target(port: bind.port), group: MultiThreadedEventLoopGroup.singleton)
        let sync = TargetSync(client: client)
        func held() async throws -> Set<RData> { Set(try await client.read(Self.owner, .a).data) }

        // First pass reads (nothing there) and pushes under "absent".
        await sync.update([Self.set(["192.0.2.10"])])
        #expect(await sync.pass(readAll: true, keyring: keyring) == [.pushed(Self.set(["192.0.2.10"]), before: [], after: [.a(IPv4Address("192.0.2.10")!)])])
        #expect(await sync.pass(readAll: true, keyring: keyring).isEmpty, "nothing to do when the target holds it")

        // Someone else writes 192.0.2.77; then our answer changes before any read-back.
        let other = TargetClient(target: try Self.target(port: bind.port), group: MultiThreadedEventLoopGroup.singleton)
        try await other.replace(Self.set(["192.0.2.77"]), expecting: [.a(IPv4Address("192.0.2.10")!)], keyring: keyring)
        await sync.update([Self.set(["192.0.2.11"])])
        let refused = await sync.pass(readAll: false, keyring: keyring)
        #expect(refused.count == 1)
        guard case .failed(_, let error, let holds)? = refused.first else { Issue.record("\(refused)"); return }
        #expect(error.contains("NXRRSET") && error.contains("someone else"), "\(error)")
        #expect(holds == [.a(IPv4Address("192.0.2.77")!)])
        #expect(try await held() == [.a(IPv4Address("192.0.2.77")!)], "their edit stands")
        #expect(await sync.needsWork)

        // The next pass reads first (the failure already said someone else changed it) and, since the
        // manifests still say otherwise, replaces what it found.
        let next = await sync.pass(readAll: false, keyring: keyring)
        #expect(next == [.pushed(Self.set(["192.0.2.11"]), before: [.a(IPv4Address("192.0.2.77")!)], after: [.a(IPv4Address("192.0.2.11")!)])],
                "\(next)")
        #expect(try await held() == [.a(IPv4Address("192.0.2.11")!)])
        #expect(await !sync.needsWork)
    }

    @Test func aWrongKeyIsReportedOnceAndChangesNothing() async throws {
        let bind = try Self.startBIND()
        defer { bind.stop() }
        let wrong = TSIGKeyring(keys: [Self.key: (.hmacSHA256, Array("not-the-secret-bind-has-at-all!!".utf8))])
        let client = TargetClient(target: try Self.target(port: bind.port), group: MultiThreadedEventLoopGroup.singleton)
        let sync = TargetSync(client: client)
        await sync.update([Self.set(["192.0.2.10"])])
        let first = await sync.pass(readAll: true, keyring: wrong)
        guard case .failed(_, let error, let holds)? = first.first, first.count == 1 else { Issue.record("\(first)"); return }
        #expect(error.contains("NOTAUTH") && error.contains("BADSIG"), "\(error)")
        #expect(holds == [])
        #expect(await sync.pass(readAll: false, keyring: wrong).isEmpty, "the same error is reported once")
        #expect(try await client.read(Self.owner, .a).data.isEmpty)

        // With no secret for the key at all, the error says so (and is a new one, so it is reported).
        let none = await sync.pass(readAll: false, keyring: TSIGKeyring())
        guard case .failed(_, let missing, _)? = none.first else { Issue.record("\(none)"); return }
        #expect(missing.contains("has no secret"), "\(missing)")

        // The right key: pushed, and the failure is over.
        let right = TSIGKeyring(keys: [Self.key: (.hmacSHA256, Self.secret)])
        let pushed = await sync.pass(readAll: false, keyring: right)
        #expect(pushed == [.pushed(Self.set(["192.0.2.10"]), before: [], after: [.a(IPv4Address("192.0.2.10")!)])], "\(pushed)")
        #expect(await !sync.needsWork)
    }
}
