import Testing
@testable import DNSWire

@Suite("Record data")
struct RDataTests {
    /// type, presentation in, presentation out (canonical), uncompressed wire form.
    static let table: [(RRType, String, String, String)] = [
        (.a, "192.0.2.1", "192.0.2.1", "c0000201"),
        (.aaaa, "2001:DB8::1", "2001:db8::1", "20010db8000000000000000000000001"),
        (.ns, "ns1.example.com.", "ns1.example.com.", "036e7331076578616d706c6503636f6d00"),
        (.cname, "target", "target.example.com.", "06746172676574076578616d706c6503636f6d00"),
        (.ptr, "host.example.com.", "host.example.com.", "04686f7374076578616d706c6503636f6d00"),
        (.mx, "10 mail.example.com.", "10 mail.example.com.", "000a046d61696c076578616d706c6503636f6d00"),
        (.mx, "0 .", "0 .", "000000"),
        (.soa, "ns1 hostmaster 2024010101 1h 10m 2w 300",
         "ns1.example.com. hostmaster.example.com. 2024010101 3600 600 1209600 300",
         "036e7331076578616d706c6503636f6d000a686f73746d6173746572076578616d706c6503636f6d0078a3f17500000e1000000258001275000000012c"),
        (.txt, "\"v=spf1 -all\"", "\"v=spf1 -all\"", "0b763d73706631202d616c6c"),
        (.txt, "unquoted two", "\"unquoted\" \"two\"", "08756e71756f7465640374776f"),
        (.txt, "\"say \\\"hi\\\"\" \"\\\\\" \"\\007\"", "\"say \\\"hi\\\"\" \"\\\\\" \"\\007\"", "087361792022686922015c0107"),
        (.txt, "\"\"", "\"\"", "00"),
        (.txt, "\"a;b\" ( \"c\" ) ; trailing comment", "\"a;b\" \"c\"", "03613b620163"),
        (.srv, "10 5 5060 sip.example.com.", "10 5 5060 sip.example.com.", "000a000513c403736970076578616d706c6503636f6d00"),
        (.caa, "0 issue \"letsencrypt.org\"", "0 issue \"letsencrypt.org\"", "000569737375656c657473656e63727970742e6f7267"),
        (.caa, "128 iodef \"mailto:security@example.com\"", "128 iodef \"mailto:security@example.com\"",
         "8005696f6465666d61696c746f3a7365637572697479406578616d706c652e636f6d"),
        (.caa, "0 issue \"\"", "0 issue \"\"", "00056973737565"),
        (RRType(65280), "\\# 4 0a000001", "\\# 4 0a000001", "0a000001"),
        (RRType(65280), "\\# 0", "\\# 0", ""),
        (.hinfo, "\\# 5 03 415243 00", "\\# 5 0341524300", "0341524300"),
        // The generic form is accepted for typed types too, and read into them (RFC 3597 §5).
        (.a, "\\# 4 C0000201", "192.0.2.1", "c0000201"),
        (.mx, "\\# 3 000a00", "10 .", "000a00"),
    ]

    @Test(arguments: 0..<table.count)
    func presentationAndWire(row: Int) throws {
        let (type, input, output, wire) = Self.table[row]
        let data = try RData(type: type, presentation: input, origin: name("example.com."))
        #expect(data.type == type)
        #expect(data.description == output)
        #expect(data.wireBytes == hex(wire))
        #expect(try RData(type: type, presentation: data.description) == data)
        // Through a whole message and back.
        let record = ResourceRecord(name: name("x.example.com."), ttl: 300, data: data)
        let message = Message(header: Header(id: 7, isResponse: true), answers: [record, record])
        #expect(try Message(wire: message.wireBytes()).answers == [record, record])
    }

    @Test func longTextIsSplitAt255Octets() throws {
        let text = String(repeating: "k", count: 600)
        let data = try RData(type: .txt, presentation: "\"\(text)\"")
        guard case .txt(let txt) = data else { Issue.record("not TXT"); return }
        #expect(txt.strings.map(\.count) == [255, 255, 90])
        #expect(txt.strings.joined().count == 600)
        #expect(data.wireBytes.count == 603)
        #expect(RData.TXT(splitting: []).strings == [[]])
        #expect(RData.TXT(splitting: Array(repeating: 1, count: 255)).strings.count == 1)
    }

    @Test("bad data names the type and what is allowed", arguments: [
        (RRType.a, "192.0.2", "invalid A data \"192.0.2\"; expected an IPv4 address such as \"192.0.2.1\""),
        (.a, "192.0.2.1 192.0.2.2", "invalid A data \"192.0.2.1 192.0.2.2\"; expected an IPv4 address such as \"192.0.2.1\""),
        (.aaaa, "192.0.2.1", "invalid AAAA data \"192.0.2.1\"; expected an IPv6 address such as \"2001:db8::1\""),
        (.mx, "mail.example.com.", "invalid MX data \"mail.example.com.\"; expected \"<preference> <exchange>\" such as \"10 mail.example.com.\""),
        (.mx, "70000 mail.", "invalid MX preference \"70000\"; expected a number from 0 to 65535 in \"<preference> <exchange>\" such as \"10 mail.example.com.\""),
        (.soa, "ns1. host. 1 2 3 4", "invalid SOA data \"ns1. host. 1 2 3 4\"; expected \"<primary> <contact> <serial> <refresh> <retry> <expire> <minimum>\""),
        (.soa, "ns1. host. 1 2 3 4 5x", "invalid SOA minimum \"5x\"; expected seconds, or units such as 1h or 2d"),
        (.txt, "", "empty TXT data; expected one or more strings such as \"v=spf1 -all\""),
        (.txt, "\"open", "unterminated quoted string; close it with \""),
        (.caa, "0 is-sue \"x\"", "CAA tag \"is-sue\" is not allowed; a tag is 1 to 15 ASCII letters and digits, such as issue, issuewild or iodef"),
        (.caa, "256 issue \"x\"", "invalid CAA flags \"256\"; expected a number from 0 to 255 (128 = critical)"),
        (.sshfp, "1 1 abcd", "SSHFP data \"1 1 abcd\" has no typed form here; write it as \\# <length> <hex>, such as \"\\# 4 0a000001\""),
        (.ds, "12345 8 2 abc", "DS digest in \"12345 8 2 abc\" has an odd number of hex digits"),
        (RRType(65280), "\\# 3 0a00", "generic data \"\\# 3 0a00\" says 3 octets but holds 2; the length must match the hex"),
        (RRType(65280), "\\# 2 0a0", "generic data \"\\# 2 0a0\" says 2 octets but holds 1 and a half; the length must match the hex"),
        (RRType(65280), "\\# x", "invalid generic data \"\\# x\"; expected \\# <length> <hex>, such as \"\\# 4 0a000001\""),
        (.a, "\\# 3 0a0000", "generic data \"\\# 3 0a0000\" is not valid A data: bad A record data at offset 0: an A record is 4 octets, not 3"),
        (.ns, "a..b.", "empty label in name \"a..b.\"; labels are 1 to 63 characters separated by single dots"),
    ])
    func badData(type: RRType, input: String, message: String) {
        #expect(presentationError { () throws(PresentationError) in try RData(type: type, presentation: input) } == message)
    }

    @Test func zoneLines() throws {
        let origin = name("example.com.")
        #expect(try ResourceRecord(zoneLine: "www 60 IN A 192.0.2.1", origin: origin).description
                == "www.example.com.\t60\tIN\tA\t192.0.2.1")
        #expect(try ResourceRecord(zoneLine: "@ IN 1h MX 10 mail", origin: origin).description
                == "example.com.\t3600\tIN\tMX\t10 mail.example.com.")
        #expect(try ResourceRecord(zoneLine: "txt TXT \"a b\" c", origin: origin, defaultTTL: 5).description
                == "txt.example.com.\t5\tIN\tTXT\t\"a b\" \"c\"")
        #expect(try ResourceRecord(zoneLine: "x CH TYPE65280 \\# 1 ff", origin: origin).description
                == "x.example.com.\t3600\tCH\tTYPE65280\t\\# 1 ff")
        #expect(presentationError { () throws(PresentationError) in try ResourceRecord(zoneLine: "www 60 IN") }
                == "record \"www 60 IN\" has no type; expected a type such as A, AAAA, MX or TXT")
        #expect(presentationError { () throws(PresentationError) in try ResourceRecord(zoneLine: "www 60 BOGUS 1") }
                == "unknown field \"BOGUS\" in record \"www 60 BOGUS 1\"; expected a TTL, a class such as IN, or a type such as A")
    }

    @Test func typeAndClassMnemonics() {
        #expect(RRType(mnemonic: "aaaa") == .aaaa)
        #expect(RRType(mnemonic: "TYPE65280") == RRType(65280))
        #expect(RRType(mnemonic: "TYPE") == nil)
        #expect(RRType(mnemonic: "TYPE70000") == nil)
        #expect(RRType(mnemonic: "TYPE-1") == nil)
        #expect(RRType(65280).description == "TYPE65280")
        #expect(RRClass(mnemonic: "ch") == .chaos)
        #expect(RRClass(mnemonic: "CLASS32") == RRClass(32))
        #expect(RRClass(32).description == "CLASS32")
    }

    @Test func classSpecificTypesOutsideINStayOpaque() throws {
        // An A record in class CH has the Chaos address format, not IPv4 (RFC 3597 §4).
        var message = Message(header: Header(isResponse: true))
        message.answers = [ResourceRecord(name: name("x."), ttl: 0, rrClass: .chaos,
                                          data: .unknown(type: .a, data: hex("0001c00c")))]
        let decoded = try Message(wire: message.wireBytes())
        #expect(decoded.answers[0].data == .unknown(type: .a, data: hex("0001c00c")))
    }

    @Test func timeValues() {
        #expect(parseTimeValue("3600") == 3600)
        #expect(parseTimeValue("1h") == 3600)
        let oneOfEach: UInt32 = 604_800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5
        #expect(parseTimeValue("1w2d3h4m5s") == oneOfEach)
        #expect(parseTimeValue("1H30") == 3630)
        #expect(parseTimeValue("4294967295") == UInt32.max)
        #expect(parseTimeValue("4294967296") == nil)
        #expect(parseTimeValue("") == nil)
        #expect(parseTimeValue("h") == nil)
        #expect(parseTimeValue("1x") == nil)
        #expect(parseTimeValue("8000w") == nil)
    }
}
