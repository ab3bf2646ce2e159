import Testing
@testable import DNSWire

@Suite("TSIG records")
struct TSIGRecordTests {
    @Test func rdataRoundTripsAndVariablesFollowRFC8945() throws {
        let record = TSIGRecord(keyName: try Name("Xfr.Example."), algorithm: TSIG.hmacSHA256, timeSigned: 0x0001_2345_6789,
                                fudge: 300, mac: [1, 2, 3], originalID: 0xBEEF, otherData: [9])
        let parsed = try #require(TSIGRecord(keyName: record.keyName, rdata: record.rdata))
        #expect(parsed == record)
        #expect(record.rdata == hex("0b686d61632d73686132353600 0001 23456789 012c 0003 010203 beef 0000 0001 09"))
        // Key name and algorithm in canonical (lower-case) form, class ANY, TTL 0, then the rest.
        #expect(record.variables(timersOnly: false) == hex("""
            0378667207 6578616d706c6500 00ff 00000000 0b686d61632d73686132353600 0001 23456789 012c 0000 0001 09
            """))
        #expect(record.variables(timersOnly: true) == hex("0001 23456789 012c"))
        #expect(TSIGRecord(keyName: .root, rdata: [0]) == nil)
    }

    @Test func appendingAndSplittingAreInverse() throws {
        let query = try Message.query(try Name("example.com."), .axfr, id: 0x4242, edns: nil).wireBytes()
        let record = TSIGRecord(keyName: try Name("xfr."), algorithm: TSIG.hmacSHA256, timeSigned: 1_700_000_000,
                                mac: Array(repeating: 7, count: 32), originalID: 0x4242)
        let signed = TSIG.appending(record, to: query)
        #expect(signed[11] == 1)  // ARCOUNT
        let message = try Message(wire: signed)
        #expect(message.additional.last?.type == .tsig)
        let split = try #require(TSIG.split(signed))
        #expect(split.message == query)
        #expect(split.record == record)
        #expect(TSIG.split(query) == nil)
        #expect(TSIG.responseData(priorMAC: [5, 6], message: [1], record: record, timersOnly: true)
                == [0, 2, 5, 6, 1] + record.variables(timersOnly: true))
    }
}
