import Testing
@testable import DNSWire

@Suite("EDNS and Client Subnet")
struct EDNSTests {
    @Test func optFieldsRoundTrip() throws {
        var query = Message.query(name("www.example.com."), .a, id: 99)
        query.edns = EDNS(udpPayloadSize: 4096, version: 0, isDNSSECOK: true,
                          options: [EDNSOption(code: .nsid, data: []), EDNSOption(code: EDNSOptionCode(65001), data: [1, 2])])
        let bytes = try query.wireBytes()
        // OPT: root, type 41, class 4096, TTL ext-rcode 0 version 0 DO, 10 octets of options.
        #expect(Array(bytes.suffix(21)) == hex("00 0029 1000 00 00 8000 000a 0003 0000 fde9 0002 0102"))
        let decoded = try Message(wire: bytes)
        #expect(decoded == query)
        #expect(decoded.edns?.isDNSSECOK == true)
        #expect(decoded.edns?.option(.nsid)?.data == [])
    }

    @Test func extendedRCodeTravelsInOPT() throws {
        var response = Message.query(name("example."), .a).makeResponse(rcode: .badVersion)
        response.edns = EDNS(udpPayloadSize: 1232)
        let bytes = try response.wireBytes()
        #expect(bytes[3] & 0x0F == 0)  // BADVERS is 16: low bits 0 in the header...
        #expect(Array(bytes.suffix(11))[5] == 1)  // ...and 1 in the OPT's extended RCODE
        #expect(try Message(wire: bytes).rcode == .badVersion)
        #expect(try Message(wire: bytes).rcode.description == "BADVERS")

        response.edns = nil
        #expect(wireError { () throws(DNSWireError) in try response.wireBytes() } == .extendedRCodeWithoutEDNS(.badVersion))
    }

    @Test func versionAndPayloadAreRead() throws {
        // dig +edns=1 +bufsize=512: version 1 is what a server answers with BADVERS.
        let wire = hex("0001 0000 0001 0000 0000 0001 07 6578616d706c65 00 0001 0001 00 0029 0200 00 01 0000 0000")
        let edns = try #require(try Message(wire: wire).edns)
        #expect(edns.version == 1)
        #expect(edns.udpPayloadSize == 512)
    }

    @Test("valid Client Subnet options", arguments: [
        ("0001 18 00 c00002", "192.0.2.0/24/0"),
        ("0001 20 10 c0000201", "192.0.2.1/32/16"),
        ("0001 17 00 c00002", "192.0.2.0/23/0"),
        ("0001 00 00", "0.0.0.0/0/0"),
        ("0002 38 00 20010db8000010", "2001:db8:0:1000::/56/0"),
        ("0002 80 00 20010db8000000000000000000000001", "2001:db8::1/128/0"),
    ])
    func validSubnet(data: String, shown: String) throws {
        let subnet = try ClientSubnet(option: EDNSOption(code: .clientSubnet, data: hex(data)))
        #expect(subnet.description == shown)
        #expect(subnet.option.data == hex(data))
    }

    @Test("malformed Client Subnet options are FORMERR (RFC 7871 §7.2.1)", arguments: [
        ("0001 18", "option of 3 octets is shorter than 4"),
        ("0003 00 00", "unknown address family 3; expected 1 (IPv4) or 2 (IPv6)"),
        ("0001 21 00 c0000201 00", "prefix length above 32"),
        ("0002 81 00", "prefix length above 128"),
        ("0001 18 00 c0000201", "4 address octets for a /24 prefix; expected 3"),
        ("0001 18 00 c000", "2 address octets for a /24 prefix; expected 3"),
        ("0001 17 00 c00003", "address bits set past the /23 prefix"),
        ("0001 00 00 00", "1 address octets for a /0 prefix; expected 0"),
    ])
    func malformedSubnet(data: String, reason: String) {
        let edns = EDNS(options: [EDNSOption(code: .clientSubnet, data: hex(data))])
        let error = wireError { () throws(DNSWireError) in try edns.clientSubnet() }
        #expect(error == .badClientSubnet(reason: reason))
        #expect(error?.rcode == .formatError)
    }

    @Test func buildingASubnetTruncatesTheAddress() throws {
        let subnet = try ClientSubnet(address: IPAddress("198.51.100.77")!, sourcePrefixLength: 20)
        #expect(subnet.description == "198.51.96.0/20/0")
        #expect(subnet.option.data == hex("0001 14 00 c63360"))
        let v6 = try ClientSubnet(address: IPAddress("2001:db8:aaaa:bbbb::1")!, sourcePrefixLength: 36, scopePrefixLength: 36)
        #expect(v6.description == "2001:db8:a000::/36/36")
        #expect(v6.option.data == hex("0002 24 24 20010db8a0"))
        #expect(wireError { () throws(DNSWireError) in try ClientSubnet(address: .v4(IPv4Address(0)), sourcePrefixLength: 33) }
                == .badClientSubnet(reason: "prefix length above 32 for 0.0.0.0"))

        // The server echoes the option with the scope that decided the answer.
        var edns = EDNS(options: [EDNSOption(code: .cookie, data: [1, 2, 3, 4, 5, 6, 7, 8]), subnet.option])
        var echoed = try #require(try edns.clientSubnet())
        echoed.scopePrefixLength = 0
        edns.setClientSubnet(echoed)
        #expect(edns.options.map(\.code) == [.cookie, .clientSubnet])
        #expect(try edns.clientSubnet()?.description == "198.51.96.0/20/0")
        edns.setClientSubnet(nil)
        #expect(edns.options.map(\.code) == [.cookie])
    }
}
