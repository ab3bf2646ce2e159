import DNSWire
import Testing
@testable import Server

/// DNS cookies: SipHash-2-4 and server cookies checked against the published examples, then what a
/// query's COOKIE option is taken for.
@Suite("DNS cookies")
struct ServerCookiesTests {
    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    /// The reference implementation's vector: key 00…0f, message 00…0e.
    @Test func sipHashMatchesTheReference() {
        let key = ServerCookies.key(Array(0...15))
        #expect(SipHash24.hash(Array(0...14), key: key) == 0xa129_ca61_49be_45e5)
        #expect(SipHash24.hash([], key: key) == 0x726f_db47_dd0e_0e31)
    }

    /// RFC 9018 Appendix A.1: client cookie 2464c4abcf10c957 from 198.51.100.100 at 1559731985.
    @Test func serverCookiesMatchRFC9018() {
        let secret = Self.bytes("e5e973e5a6b2a43f48e7dc849e37bfcf")
        let cookies = ServerCookies(secret: secret, now: 1_559_731_985)
        let option = cookies.option(client: Self.bytes("2464c4abcf10c957"), address: IPAddress("198.51.100.100"), now: 1_559_731_985)
        #expect(option.data == Self.bytes("2464c4abcf10c957" + "010000005cf79f111f8130c3eee29480"))
        // And it checks: fresh, ours; a changed octet, another address, or an hour and more later, not.
        let edns = EDNS(options: [option])
        #expect(cookies.check(edns, client: IPAddress("198.51.100.100"), now: 1_559_731_985 + 60)
            == .present(client: Self.bytes("2464c4abcf10c957"), valid: true))
        #expect(cookies.check(edns, client: IPAddress("198.51.100.101"), now: 1_559_731_985)
            == .present(client: Self.bytes("2464c4abcf10c957"), valid: false))
        #expect(cookies.check(edns, client: IPAddress("198.51.100.100"), now: 1_559_731_985 + 3601)
            == .present(client: Self.bytes("2464c4abcf10c957"), valid: false))
        var tampered = option.data
        tampered[23] ^= 1
        #expect(cookies.check(EDNS(options: [EDNSOption(code: .cookie, data: tampered)]), client: IPAddress("198.51.100.100"),
                              now: 1_559_731_985) == .present(client: Self.bytes("2464c4abcf10c957"), valid: false))
    }

    @Test func lengthsThatAreNotCookiesAreMalformed() {
        let cookies = ServerCookies(now: 0)
        for length in [0, 7, 9, 15, 41] {
            #expect(cookies.check(EDNS(options: [EDNSOption(code: .cookie, data: Array(repeating: 1, count: length))]),
                                  client: IPAddress("192.0.2.1"), now: 0) == .malformed, "length \(length)")
        }
        #expect(cookies.check(EDNS(), client: IPAddress("192.0.2.1"), now: 0) == ServerCookies.Check.none)
        #expect(cookies.check(EDNS(options: [EDNSOption(code: .cookie, data: Array(repeating: 1, count: 8))]),
                              client: IPAddress("192.0.2.1"), now: 0) == .present(client: Array(repeating: 1, count: 8), valid: false))
    }
}
