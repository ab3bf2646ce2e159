import DNSWire
import Testing
@testable import Server

/// Responses are counted by their whole RCODE: extended ones (in the OPT record) under their own value.
@Suite("Response counters")
struct ResponseCountersTests {
    static func rcode(_ message: Message) throws -> Int {
        try message.wireBytes().withUnsafeBytes { ResponseCounters.rcode($0) }
    }

    @Test func extendedRCodesCountUnderTheirOwnValues() throws {
        let query = Message.query(try Name("www.example.com."), .a, edns: EDNS(version: 1))
        var badVersion = query.makeResponse(rcode: .badVersion)
        badVersion.edns = EDNS()
        #expect(try Self.rcode(badVersion) == 16)
        var badCookie = query.makeResponse(rcode: .badCookie)
        badCookie.edns = EDNS()
        #expect(try Self.rcode(badCookie) == 23)
        var answer = query.makeResponse()
        answer.edns = EDNS()
        answer.answers = [ResourceRecord(name: try Name("www.example.com."), ttl: 60, data: .a(IPv4Address(0xC000_0201)))]
        #expect(try Self.rcode(answer) == 0)
        #expect(try Self.rcode(query.makeResponse(rcode: .nameError)) == 3)
        let counters = ResponseCounters()
        try badVersion.wireBytes().withUnsafeBytes { counters.count($0) }
        #expect(counters.values[16] == 1 && counters.values[0] == 0)
    }
}
