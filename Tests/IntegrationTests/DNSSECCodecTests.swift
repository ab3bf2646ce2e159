import Crypto
import DNSWire
import Foundation
import SwitchyardTesting
import Testing

/// DNSSEC record data against BIND's own tools: a key made by `dnssec-keygen` has the key tag BIND
/// gives it and the DS `dnssec-dsfromkey` prints; and for a zone signed by `dnssec-signzone` and served
/// by named, the octets `RRSIG.signedData` builds are what the signatures sign (checked with the key,
/// ECDSA P-256), for a plain RRset, a name in RDATA written in mixed case, and a wildcard expansion.
@Suite("DNSSEC record data against BIND's tools")
struct DNSSECCodecTests {
    static let zone = try! Name("example.test.")

    @Test func keyTagDSAndSignaturesAgreeWithBIND() throws {
        let directory = try temporaryDirectory("dnssec-codec")
        defer { try? FileManager.default.removeItem(at: directory) }
        let made = try run("dnssec-keygen", ["-q", "-a", "ECDSAP256SHA256", "-f", "KSK", "-K", directory.path, "example.test"])
        #expect(made.status == 0, "\(made.output)")
        let base = try #require(made.output.split(separator: "\n").last.map(String.init))  // Kexample.test.+013+NNNNN
        let keyFile = directory.appendingPathComponent(base + ".key")
        let line = try #require(try String(contentsOf: keyFile, encoding: .utf8).split(separator: "\n").first { $0.contains(" DNSKEY ") })
        let fields = line.split(separator: " ").map(String.init)
        let index = try #require(fields.firstIndex(of: "DNSKEY"))
        let publicKey = try #require(Data(base64Encoded: fields[(index + 4)...].joined()))
        let dnskey = DNSKEY(flags: UInt16(fields[index + 1])!, algorithm: UInt8(fields[index + 3])!, publicKey: Array(publicKey))
        #expect(dnskey.isSecureEntryPoint && dnskey.algorithm == DNSSEC.ecdsaP256SHA256)
        #expect(base.hasSuffix(String(format: "+%05d", Int(dnskey.keyTag))), "key tag \(dnskey.keyTag), BIND's file \(base)")

        // The DS over SHA-256 of what `digestInput` gives is the one BIND prints.
        let ds = DS(keyTag: dnskey.keyTag, algorithm: dnskey.algorithm, digestType: DNSSEC.sha256,
                    digest: Array(SHA256.hash(data: dnskey.digestInput(owner: Self.zone))))
        let bindDS = try run("dnssec-dsfromkey", ["-2", keyFile.path])
        #expect(bindDS.output.contains("IN DS \(ds)"), "ours: \(ds)\nBIND's: \(bindDS.output)")

        // A zone signed by dnssec-signzone (the one key signing everything), served by named.
        let unsigned = directory.appendingPathComponent("example.test.db")
        try """
            $TTL 300
            @       SOA ns1 hostmaster 1 3600 600 1209600 300
                    NS  ns1
            ns1     A   192.0.2.53
            www     A   192.0.2.1
            www     A   192.0.2.2
            mail    MX  10 Mx.Example.Test.
            *.wild  A   192.0.2.9
            """.write(to: unsigned, atomically: true, encoding: .utf8)
        let signed = directory.appendingPathComponent("example.test.signed")
        let signing = try run("dnssec-signzone", ["-S", "-z", "-K", directory.path, "-d", directory.path, "-o", "example.test", "-f", signed.path,
                                                  unsigned.path])  // -d: its dsset file goes there too, not into the working directory
        #expect(signing.status == 0, "\(signing.output)")
        let bind = try BINDServer(primaryOf: "example.test", zoneText: try String(contentsOf: signed, encoding: .utf8), port: try freeLoopbackPort(),
                                  updateKey: ("unused", "hmac-sha256", Data("unused-unused-unused-unused-0032".utf8).base64EncodedString()))
        defer { bind.stop() }
        #expect(waitUntil(seconds: 10) { (try? dig(["www.example.test", "A"], port: bind.port).answer.count) == 2 }, "\(bind.logText)")

        let key = try P256.Signing.PublicKey(rawRepresentation: publicKey)
        let client = try UDPClient(host: "127.0.0.1", port: bind.port)
        /// Asks named for `name` `type` with DO set; checks the RRSIG over the answer's RRset of `type`.
        func verify(_ name: String, _ type: RRType, owner expected: String) throws {
            let query = Message.query(try Name(name), type, id: 7, edns: EDNS(udpPayloadSize: 1232, isDNSSECOK: true))
            let reply = try Message(wire: try #require(client.exchange(try query.wireBytes())))
            let rrset = reply.answers.filter { $0.type == type }
            let signature = try #require(reply.answers.first { $0.type == .rrsig }, "no RRSIG for \(name) \(type): \(reply)")
            guard case .unknown(_, let data) = signature.data else { Issue.record("an RRSIG read as \(signature.data)"); return }
            let rrsig = try RRSIG(rdata: data)
            #expect(rrsig.typeCovered == type && rrsig.keyTag == dnskey.keyTag && rrsig.signer == Self.zone)
            let signedData = rrsig.signedData(owner: try Name(name), rdatas: rrset.map(\.data))
            let valid = key.isValidSignature(try P256.Signing.ECDSASignature(rawRepresentation: rrsig.signature), for: Data(signedData))
            #expect(valid, "the signature over \(name) \(type) does not verify over our canonical form (\(expected))")
        }
        try verify("www.example.test.", .a, owner: "a plain RRset of two")
        try verify("mail.example.test.", .mx, owner: "a name in RDATA, lower-cased")
        try verify("anything.wild.example.test.", .a, owner: "a wildcard expansion")

        // NODATA: the NSEC at the name reads back with the types BIND says are there.
        let query = Message.query(try Name("www.example.test."), .txt, id: 8, edns: EDNS(udpPayloadSize: 1232, isDNSSECOK: true))
        let reply = try Message(wire: try #require(client.exchange(try query.wireBytes())))
        let record = try #require(reply.authority.first { $0.type == .nsec }, "\(reply)")
        guard case .unknown(_, let data) = record.data else { Issue.record("\(record)"); return }
        let nsec = try NSEC(rdata: data)
        #expect(nsec.types == [.a, .rrsig, .nsec], "\(nsec)")
        #expect(NSEC(next: nsec.next, types: nsec.types).rdata == data)
    }
}
