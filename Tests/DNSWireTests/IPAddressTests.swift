import Testing
@testable import DNSWire

@Suite("IP addresses")
struct IPAddressTests {
    @Test(arguments: ["0.0.0.0", "192.0.2.1", "255.255.255.255", "10.20.0.10"])
    func validIPv4(text: String) {
        #expect(IPv4Address(text)?.description == text)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..2.3", "1.2.3.", ".1.2.3", "a.b.c.d",
                      "1.2.3.4 ", "99999999999.1.1.1"])
    func invalidIPv4(text: String) {
        #expect(IPv4Address(text) == nil)
    }

    @Test("RFC 5952 canonical text", arguments: [
        ("2001:db8::1", "2001:db8::1"),
        ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::", "::"),
        ("::1", "::1"),
        ("1::", "1::"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),  // the first of two equal runs
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),  // one zero group is not shortened
        ("::ffff:192.0.2.1", "::ffff:c000:201"),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        ("fe80::1:2", "fe80::1:2"),
    ])
    func validIPv6(input: String, output: String) throws {
        let address = try #require(IPv6Address(input))
        #expect(address.description == output)
        #expect(IPv6Address(address.description) == address)
        #expect(IPv6Address(bytes: address.bytes) == address)
    }

    @Test(arguments: ["", ":", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::",
                      "g::1", "1:2:3:4:5:6:7:8::", ":1::", "1:", "::1.2.3", "fe80::1%eth0", "1:2:3:4:5:6:7:1.2.3.4"])
    func invalidIPv6(text: String) {
        #expect(IPv6Address(text) == nil)
    }

    @Test func eitherFamily() {
        #expect(IPAddress("192.0.2.1") == .v4(IPv4Address(0xC000_0201)))
        #expect(IPAddress("2001:db8::1")?.bytes == hex("20010db8000000000000000000000001"))
        #expect(IPAddress("example.com") == nil)
    }
}
