import Testing
@testable import DNSWire

/// Messages captured from real peers: queries as `dig` 9.18 sent them, responses as BIND 9.18 answered
/// them from a small example.com zone (captured through a UDP relay on loopback, November 2026).
/// Each must decode to the sections `dig` printed and encode back to the very same bytes.
@Suite("Golden messages from dig and BIND")
struct GoldenMessageTests {
    struct Capture: CustomTestStringConvertible, Sendable {
        let label: String
        let wire: String
        let header: String
        let answers: [String]
        let authority: [String]
        let additional: [String]
        /// False where BIND picked another, equally valid pointer target than ours.
        var encodesToSameBytes = true
        var testDescription: String { label }
    }

    static let captures: [Capture] = [
        Capture(label: "dig www.example.com A (EDNS, cookie)",
                wire: "53d60120000100000000000103777777076578616d706c6503636f6d000001000100002904d000000000000c000a0008b2ea64866cc46032",
                header: "id 21462 QUERY NOERROR rd ad q1 edns(1232 v0 opts 1)", answers: [], authority: [], additional: []),
        Capture(label: "dig +subnet=192.0.2.0/24",
                wire: "c38d0120000100000000000103777777076578616d706c6503636f6d000001000100002904d000000000000b0008000700011800c00002",
                header: "id 50061 QUERY NOERROR rd ad q1 edns(1232 v0 opts 1)", answers: [], authority: [], additional: []),
        Capture(label: "dig +noedns, mixed case AAAA",
                wire: "d5ed0120000100000000000003577757074578416d506c4503634f6d00001c0001",
                header: "id 54765 QUERY NOERROR rd ad q1", answers: [], authority: [], additional: []),
        Capture(label: "BIND www A: three answers, NS and glue",
                wire: "16938400000100030002000303777777076578616d706c6503636f6d0000010001c00c000100010000003c0004c0000202c00c000100010000003c0004c0000201c00c000100010000003c0004c6336407c0100002000100000e100006036e7331c010c0100002000100000e100006036e7332c010c05d0001000100000e100004c0000235c06f001c000100000e10001020010db800000000000000000000005300002904d0000000000000",
                header: "id 5779 QUERY NOERROR qr aa q1 edns(1232 v0 opts 0)",
                answers: ["www.example.com. 60 IN A 192.0.2.2", "www.example.com. 60 IN A 192.0.2.1",
                          "www.example.com. 60 IN A 198.51.100.7"],
                authority: ["example.com. 3600 IN NS ns1.example.com.", "example.com. 3600 IN NS ns2.example.com."],
                additional: ["ns1.example.com. 3600 IN A 192.0.2.53", "ns2.example.com. 3600 IN AAAA 2001:db8::53"]),
        Capture(label: "BIND MX: compressed exchange names",
                wire: "8d5784000001000200020005076578616d706c6503636f6d00000f0001c00c000f000100000e10000a000a056d61696c31c00cc00c000f000100000e10000a0014056d61696c32c00cc00c0002000100000e100006036e7332c00cc00c0002000100000e100006036e7331c00cc02b0001000100000e100004c0000219c0410001000100000e100004c000021ac0670001000100000e100004c0000235c055001c000100000e10001020010db800000000000000000000005300002904d0000000000000",
                header: "id 36183 QUERY NOERROR qr aa q1 edns(1232 v0 opts 0)",
                answers: ["example.com. 3600 IN MX 10 mail1.example.com.", "example.com. 3600 IN MX 20 mail2.example.com."],
                authority: ["example.com. 3600 IN NS ns2.example.com.", "example.com. 3600 IN NS ns1.example.com."],
                additional: ["mail1.example.com. 3600 IN A 192.0.2.25", "mail2.example.com. 3600 IN A 192.0.2.26",
                             "ns1.example.com. 3600 IN A 192.0.2.53", "ns2.example.com. 3600 IN AAAA 2001:db8::53"]),
        Capture(label: "BIND NXDOMAIN with SOA",
                wire: "3e6184030001000000010001046e6f7065076578616d706c6503636f6d0000010001c011000600010000012c0027036e7331c0110a686f73746d6173746572c01178a3f17500000e1000000258001275000000012c00002904d0000000000000",
                header: "id 15969 QUERY NXDOMAIN qr aa q1 edns(1232 v0 opts 0)", answers: [],
                authority: ["example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2024010101 3600 600 1209600 300"],
                additional: []),
        Capture(label: "BIND TXT with two strings",
                wire: "121e8400000100010002000303747874076578616d706c6503636f6d0000100001c00c0010000100000e1000230b763d73706631202d616c6c167365636f6e64202271756f7465642220737472696e67c0100002000100000e100006036e7332c010c0100002000100000e100006036e7331c010c06e0001000100000e100004c0000235c05c001c000100000e10001020010db800000000000000000000005300002904d0000000000000",
                header: "id 4638 QUERY NOERROR qr aa q1 edns(1232 v0 opts 0)",
                answers: ["txt.example.com. 3600 IN TXT \"v=spf1 -all\" \"second \\\"quoted\\\" string\""],
                authority: ["example.com. 3600 IN NS ns2.example.com.", "example.com. 3600 IN NS ns1.example.com."],
                additional: ["ns1.example.com. 3600 IN A 192.0.2.53", "ns2.example.com. 3600 IN AAAA 2001:db8::53"]),
        Capture(label: "BIND SRV: target not compressed",
                wire: "f99d84000001000100020003045f736970045f746370076578616d706c6503636f6d0000210001c00c0021000100000e100017000a000513c403736970076578616d706c6503636f6d00c03d0002000100000e100006036e7331c03dc03d0002000100000e100006036e7332c03dc0560001000100000e100004c0000235c068001c000100000e10001020010db800000000000000000000005300002904d0000000000000",
                header: "id 63901 QUERY NOERROR qr aa q1 edns(1232 v0 opts 0)",
                answers: ["_sip._tcp.example.com. 3600 IN SRV 10 5 5060 sip.example.com."],
                authority: ["example.com. 3600 IN NS ns1.example.com.", "example.com. 3600 IN NS ns2.example.com."],
                additional: ["ns1.example.com. 3600 IN A 192.0.2.53", "ns2.example.com. 3600 IN AAAA 2001:db8::53"],
                // BIND points the NS owner at "example.com" inside the SRV target; we point at the question.
                encodesToSameBytes: false),
        Capture(label: "BIND CAA",
                wire: "23f984000001000100020003076578616d706c6503636f6d0001010001c00c0101000100000e100016000569737375656c657473656e63727970742e6f7267c00c0002000100000e100006036e7332c00cc00c0002000100000e100006036e7331c00cc05d0001000100000e100004c0000235c04b001c000100000e10001020010db800000000000000000000005300002904d0000000000000",
                header: "id 9209 QUERY NOERROR qr aa q1 edns(1232 v0 opts 0)",
                answers: ["example.com. 3600 IN CAA 0 issue \"letsencrypt.org\""],
                authority: ["example.com. 3600 IN NS ns2.example.com.", "example.com. 3600 IN NS ns1.example.com."],
                additional: ["ns1.example.com. 3600 IN A 192.0.2.53", "ns2.example.com. 3600 IN AAAA 2001:db8::53"]),
        Capture(label: "BIND answer echoing Client Subnet",
                wire: "ce638400000100030000000103777777076578616d706c6503636f6d0000010001c00c000100010000003c0004c0000202c00c000100010000003c0004c6336407c00c000100010000003c0004c000020100002904d000000000000b0008000700011800c00002",
                header: "id 52835 QUERY NOERROR qr aa q1 edns(1232 v0 opts 1)",
                answers: ["www.example.com. 60 IN A 192.0.2.2", "www.example.com. 60 IN A 198.51.100.7",
                          "www.example.com. 60 IN A 192.0.2.1"],
                authority: [], additional: []),
    ]

    @Test(arguments: captures)
    func decodesAndEncodesBack(capture: Capture) throws {
        let bytes = hex(capture.wire)
        let message = try Message(wire: bytes)
        #expect(summary(message) == capture.header)
        #expect(message.answers == capture.answers.map(rr))
        #expect(message.authority == capture.authority.map(rr))
        #expect(message.additional == capture.additional.map(rr))
        let encoded = try message.wireBytes()
        if capture.encodesToSameBytes {
            #expect(encoded == bytes)
        } else {
            #expect(encoded.count == bytes.count)
        }
        #expect(try Message(wire: encoded) == message)
    }

    @Test func queryFieldsAsDigSentThem() throws {
        let query = try Message(wire: hex(Self.captures[0].wire))
        #expect(query.questions == [Question(name: name("www.example.com."), type: .a)])
        #expect(query.edns?.option(.cookie)?.data == hex("b2ea64866cc46032"))
        #expect(try query.edns?.clientSubnet() == nil)

        let subnet = try Message(wire: hex(Self.captures[1].wire))
        #expect(try subnet.edns?.clientSubnet()?.description == "192.0.2.0/24/0")

        let mixed = try Message(wire: hex(Self.captures[2].wire))
        #expect(mixed.questions[0].name.description == "WwW.ExAmPlE.cOm.")
        #expect(mixed.questions[0].type == .aaaa)
        #expect(mixed.edns == nil)
    }

    @Test func digStylePrinting() throws {
        let nxdomain = try Message(wire: hex(Self.captures[5].wire))
        #expect(nxdomain.description == """
            ;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 15969
            ;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1

            ;; OPT PSEUDOSECTION:
            ; EDNS: version: 0, flags:; udp: 1232

            ;; QUESTION SECTION:
            ;nope.example.com.\tIN\tA

            ;; AUTHORITY SECTION:
            example.com.\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. 2024010101 3600 600 1209600 300
            """)
    }

    /// A compact header line: id, opcode, rcode, flags, question count, EDNS.
    func summary(_ message: Message) -> String {
        let h = message.header
        var parts = ["id \(h.id)", "\(h.opcode)", "\(message.rcode)"]
        for (flag, set) in [("qr", h.isResponse), ("aa", h.isAuthoritative), ("tc", h.isTruncated),
                            ("rd", h.isRecursionDesired), ("ra", h.isRecursionAvailable),
                            ("ad", h.isAuthenticData), ("cd", h.isCheckingDisabled)] where set {
            parts.append(flag)
        }
        parts.append("q\(message.questions.count)")
        if let edns = message.edns {
            parts.append("edns(\(edns.udpPayloadSize) v\(edns.version) opts \(edns.options.count))")
        }
        return parts.joined(separator: " ")
    }
}
