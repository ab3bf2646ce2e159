import DNSWire
import Manifests
import Model
import Testing
@testable import Authority

/// Queries against a zone compiled from manifests, with the expected sections written as zone text
/// (CoreDNS's lookup_test.go style).
@Suite("Answers")
struct AnswerTests {
    static let bigTexts = (0..<8).map { String(repeating: String(UnicodeScalar(UInt8(97 + $0))), count: 250) }
    static let manifests = """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: example.com}
        spec:
          ttl: 3600
          soa: {primary: ns1, contact: hostmaster, negativeTtl: 300}
          nameservers: [ns1, ns2]
          records:
            - {name: ns1, type: A, values: [192.0.2.53]}
            - {name: ns2, type: AAAA, values: ["2001:db8::53"]}
            - {name: www, type: A, ttl: 300, values: [192.0.2.1, 192.0.2.2]}
            - {name: "@", type: MX, values: ["10 mail"]}
            - {name: mail, type: A, values: [192.0.2.25]}
            - {name: alias, type: CNAME, values: [www]}
            - {name: chain, type: CNAME, values: [alias]}
            - {name: loop1, type: CNAME, values: [loop2]}
            - {name: loop2, type: CNAME, values: [loop1]}
            - {name: self, type: CNAME, values: [self]}
            - {name: outside, type: CNAME, values: [www.example.net.]}
            - {name: dangling, type: CNAME, values: [nothing]}
            - {name: sub, type: NS, values: [ns.sub, ns.other.net.]}
            - {name: ns.sub, type: A, values: [192.0.2.99]}
            - {name: "*.wild", type: TXT, values: [wildcard]}
            - {name: "*.wild", type: A, values: [192.0.2.77]}
            - {name: a.b.ent, type: A, values: [192.0.2.5]}
            - {name: _sip._tcp, type: SRV, values: ["0 1 5060 www"]}
            - {name: big, type: TXT, values: [\(bigTexts.joined(separator: ", "))]}
        ---
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: example.org}
        spec:
          ttl: 600
          soa: {primary: ns1.example.com., contact: hostmaster.example.com., negativeTtl: 900}
          nameservers: [ns1.example.com.]
          records:
            - {name: x, type: CNAME, values: [www.example.com.]}
        """

    static let snapshot: Snapshot = {
        let result = ManifestCompiler.compile([ManifestSource(path: "zones.yaml", text: manifests)])
        precondition(!result.diagnostics.hasErrors, "\(result.diagnostics)")
        return Snapshot.build(result.state!, previous: nil, now: 1_700_000_000)
    }()

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let type: RRType
        let rcode: RCode
        let isAuthoritative: Bool
        let answer: [String]
        let authority: [String]
        let additional: [String]
        var testDescription: String { "\(name) \(type)" }

        init(_ name: String, _ type: RRType, _ rcode: RCode = .noError, aa: Bool = true,
             answer: [String] = [], authority: [String] = [], additional: [String] = []) {
            self.name = name
            self.type = type
            self.rcode = rcode
            self.isAuthoritative = aa
            self.answer = answer
            self.authority = authority
            self.additional = additional
        }
    }

    static let soa = "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 1700000000 3600 600 1209600 300"
    static let www = ["www.example.com. 300 IN A 192.0.2.1", "www.example.com. 300 IN A 192.0.2.2"]

    static let cases: [Case] = [
        Case("www.example.com.", .a, answer: www),
        Case("nope.example.com.", .a, .nameError, authority: [soa]),
        Case("www.example.com.", .aaaa, authority: [soa]),  // NODATA
        Case("b.ent.example.com.", .a, authority: [soa]),  // empty non-terminal: NODATA, not NXDOMAIN (RFC 8020)
        Case("ent.example.com.", .txt, authority: [soa]),
        Case("chain.example.com.", .a, answer: ["chain.example.com. 3600 IN CNAME alias.example.com.",
                                                "alias.example.com. 3600 IN CNAME www.example.com."] + www),
        Case("alias.example.com.", .cname, answer: ["alias.example.com. 3600 IN CNAME www.example.com."]),
        Case("loop1.example.com.", .a, answer: ["loop1.example.com. 3600 IN CNAME loop2.example.com.",
                                                "loop2.example.com. 3600 IN CNAME loop1.example.com."]),
        Case("self.example.com.", .a, answer: ["self.example.com. 3600 IN CNAME self.example.com."]),
        Case("outside.example.com.", .a, answer: ["outside.example.com. 3600 IN CNAME www.example.net."]),
        Case("dangling.example.com.", .a, .nameError,  // RFC 6604: the rcode of the last name in the chain
             answer: ["dangling.example.com. 3600 IN CNAME nothing.example.com."], authority: [soa]),
        Case("host.sub.example.com.", .a, aa: false,
             authority: ["sub.example.com. 3600 IN NS ns.sub.example.com.", "sub.example.com. 3600 IN NS ns.other.net."],
             additional: ["ns.sub.example.com. 3600 IN A 192.0.2.99"]),
        Case("sub.example.com.", .ns, aa: false,
             authority: ["sub.example.com. 3600 IN NS ns.sub.example.com.", "sub.example.com. 3600 IN NS ns.other.net."],
             additional: ["ns.sub.example.com. 3600 IN A 192.0.2.99"]),
        Case("x.wild.example.com.", .a, answer: ["x.wild.example.com. 3600 IN A 192.0.2.77"]),
        Case("y.x.wild.example.com.", .txt, answer: ["y.x.wild.example.com. 3600 IN TXT \"wildcard\""]),
        Case("*.wild.example.com.", .a, answer: ["*.wild.example.com. 3600 IN A 192.0.2.77"]),
        Case("x.wild.example.com.", .mx, authority: [soa]),
        Case("wild.example.com.", .a, authority: [soa]),  // the wildcard's parent exists, empty
        Case("example.com.", .mx, answer: ["example.com. 3600 IN MX 10 mail.example.com."],
             additional: ["mail.example.com. 3600 IN A 192.0.2.25"]),
        Case("example.com.", .ns, answer: ["example.com. 3600 IN NS ns1.example.com.", "example.com. 3600 IN NS ns2.example.com."],
             additional: ["ns1.example.com. 3600 IN A 192.0.2.53", "ns2.example.com. 3600 IN AAAA 2001:db8::53"]),
        Case("example.com.", .any, answer: ["example.com. 3600 IN NS ns1.example.com.", "example.com. 3600 IN NS ns2.example.com."]),
        Case("_sip._tcp.example.com.", .srv, answer: ["_sip._tcp.example.com. 3600 IN SRV 0 1 5060 www.example.com."],
             additional: www),
        Case("x.example.org.", .a, answer: ["x.example.org. 600 IN CNAME www.example.com."] + www),
        Case("www.example.net.", .a, .refused, aa: false),
        Case("com.", .ns, .refused, aa: false),
        Case("example.com.", .axfr, .refused, aa: false),
    ]

    @Test(arguments: cases)
    func answers(_ expected: Case) throws {
        let query = Message.query(try Name(expected.name), expected.type, id: 77, recursionDesired: true)
        let response = Authority.answer(query, from: Self.snapshot, client: ClientInfo(address: nil, transport: .udp))
        #expect(response.header.id == 77)
        #expect(response.header.isResponse)
        #expect(response.header.isRecursionDesired)
        #expect(!response.header.isRecursionAvailable)
        #expect(response.rcode == expected.rcode)
        #expect(response.header.isAuthoritative == expected.isAuthoritative)
        #expect(response.questions == query.questions)
        #expect(response.answers.map(\.description) == expected.answer.map { rr($0).description })
        #expect(response.authority.map(\.description) == expected.authority.map { rr($0).description })
        #expect(response.additional.map(\.description) == expected.additional.map { rr($0).description })
    }

    @Test func theQuestionKeepsItsCase() throws {
        let query = Message.query(try Name("WwW.ExAmPlE.CoM."), .a)
        let bytes = try #require(query.wireBytes().withUnsafeBytes {
            Authority.respond(to: $0, from: Self.snapshot, client: ClientInfo(address: nil, transport: .udp))
        })
        let response = try Message(wire: bytes)
        #expect(response.questions[0].name.description == "WwW.ExAmPlE.CoM.")
        #expect(response.answers.count == 2)
    }

    @Test func opcodesAndClasses() throws {
        var notify = Message.query(try Name("example.com."), .soa)
        notify.header.opcode = .notify
        #expect(answer(notify).rcode == .notImplemented)
        #expect(answer(notify).questions == notify.questions)
        // NOTIMP whatever the question count (a question-less opcode is not malformed for that).
        notify.questions = []
        #expect(answer(notify).rcode == .notImplemented)
        var chaos = Message.query(try Name("version.bind."), .txt)
        chaos.questions[0].rrClass = .chaos
        #expect(answer(chaos).rcode == .refused)
        var two = Message.query(try Name("www.example.com."), .a)
        two.questions.append(two.questions[0])
        #expect(answer(two).rcode == .formatError)
        var response = Message.query(try Name("www.example.com."), .a)
        response.header.isResponse = true
        #expect(answer(response).rcode == .formatError)
    }

    /// Found by the fuzzer: NOTIMP to three long questions echoed them past 512 octets over UDP.
    @Test func anErrorWhoseQuestionsDoNotFitDropsThem() throws {
        // Three names that share nothing a compression pointer could reuse, 184 octets each.
        let names = try ["a", "b", "c"].map { try Name(Array(repeating: String(repeating: $0, count: 60), count: 3).joined(separator: ".") + ".") }
        var notify = Message.query(names[0], .a)
        notify.header.opcode = .notify
        notify.questions = names.map { Question(name: $0, type: .a) }
        notify.edns = nil  // so 512 octets is the limit
        let bytes = try #require(notify.wireBytes().withUnsafeBytes {
            Authority.respond(to: $0, from: Self.snapshot, client: ClientInfo(address: nil, transport: .udp))
        })
        #expect(bytes.count <= 512)
        let response = try Message(wire: bytes)
        #expect(response.rcode == .notImplemented)
        #expect(response.questions.isEmpty)
        #expect(answer(notify).questions.count == 3)  // only the bytes sent over UDP leave them out
    }

    @Test func ednsIsAnsweredWithOPT() throws {
        var query = Message.query(try Name("www.example.com."), .a, edns: EDNS(udpPayloadSize: 4096, isDNSSECOK: true))
        var reply = answer(query)
        #expect(reply.edns?.udpPayloadSize == 1232)
        #expect(reply.edns?.isDNSSECOK == true)
        #expect(reply.edns?.version == 0)

        query.edns = EDNS(udpPayloadSize: 4096, version: 1)
        reply = answer(query)
        #expect(reply.rcode == .badVersion)
        #expect(reply.edns?.version == 0)
        #expect(reply.answers.isEmpty)

        var subnet = EDNS()
        subnet.setClientSubnet(try ClientSubnet(address: IPAddress("198.51.100.0")!, sourcePrefixLength: 24))
        query.edns = subnet
        reply = answer(query)
        #expect(try reply.edns?.clientSubnet()?.description == "198.51.100.0/24/0")

        query.edns = EDNS(options: [EDNSOption(code: .clientSubnet, data: hex("0001 18 00 c0000201"))])
        #expect(answer(query).rcode == .formatError)

        // BADVERS comes before any option is read, and carries none.
        query.edns = EDNS(udpPayloadSize: 4096, version: 1, options: [EDNSOption(code: .clientSubnet, data: hex("0001 18 00 c0000201"))])
        reply = answer(query)
        #expect(reply.rcode == .badVersion && reply.edns?.options.isEmpty == true)
        // Unknown options and flags are not echoed.
        var unknown = EDNS(udpPayloadSize: 4096, options: [EDNSOption(code: EDNSOptionCode(65001), data: [1, 2])])
        unknown.isDNSSECOK = false
        query.edns = unknown
        reply = answer(query)
        #expect(reply.rcode == .noError && reply.edns?.options.isEmpty == true)

        #expect(answer(Message.query(try Name("www.example.com."), .a, edns: nil)).edns == nil)
    }

    @Test func udpResponsesAreCutToThePayloadLimit() throws {
        func respond(_ query: Message, _ transport: ClientInfo.Transport) throws -> Message {
            let bytes = try #require(query.wireBytes().withUnsafeBytes {
                Authority.respond(to: $0, from: Self.snapshot, client: ClientInfo(address: nil, transport: transport))
            })
            if transport == .udp { #expect(bytes.count <= Authority.udpPayloadLimit(for: query)) }
            return try Message(wire: bytes)
        }
        let plain = Message.query(try Name("big.example.com."), .txt, edns: nil)
        #expect(try respond(plain, .udp).header.isTruncated)
        #expect(try respond(plain, .udp).answers.isEmpty)
        let tcp = try respond(plain, .tcp)
        #expect(!tcp.header.isTruncated && tcp.answers.count == 8)
        let large = Message.query(try Name("big.example.com."), .txt, edns: EDNS(udpPayloadSize: 4096))
        #expect(try respond(large, .udp).header.isTruncated)  // 8 x 253 octets exceed even 1232
        #expect(Authority.udpPayloadLimit(for: large) == 1232)
        #expect(Authority.udpPayloadLimit(for: Message.query(.root, .a, edns: EDNS(udpPayloadSize: 100))) == 512)
        #expect(Authority.udpPayloadLimit(for: nil) == 512)
    }

    @Test func malformedAndUnwantedMessages() {
        func respond(_ bytes: [UInt8]) -> [UInt8]? {
            bytes.withUnsafeBytes { Authority.respond(to: $0, from: Self.snapshot, client: ClientInfo(address: nil, transport: .udp)) }
        }
        // A pointer loop: FORMERR with the id, QR and RD, and no sections.
        #expect(respond(hex("1234 0100 0001 0000 0000 0000 c00c 0001 0001")) == hex("1234 8101 0000 0000 0000 0000"))
        #expect(respond(hex("1234 8100 0001")) == nil)  // too short
        #expect(respond(hex("1234 8100 0000 0000 0000 0000")) == nil)  // a response: never answered
    }

    func answer(_ query: Message) -> Message {
        Authority.answer(query, from: Self.snapshot, client: ClientInfo(address: nil, transport: .udp))
    }
}

func rr(_ line: String) -> ResourceRecord {
    try! ResourceRecord(zoneLine: line)
}

func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8.filter { $0 != 32 && $0 != 10 })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
}
