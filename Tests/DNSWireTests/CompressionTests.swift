import Testing
@testable import DNSWire

@Suite("Name compression")
struct CompressionTests {
    @Test func repeatedNamesBecomePointersIgnoringCase() throws {
        var message = Message.query(name("www.example.com."), .a, id: 1, edns: nil).makeResponse()
        message.answers = [
            ResourceRecord(name: name("WWW.EXAMPLE.COM."), ttl: 60, data: .cname(name("web.Example.com."))),
            ResourceRecord(name: name("web.example.com."), ttl: 60, data: .a(IPv4Address("192.0.2.1")!)),
        ]
        let bytes = try message.wireBytes()
        #expect(bytes == hex("""
            0001 8000 0001 0002 0000 0000
            03 777777 07 6578616d706c65 03 636f6d 00 0001 0001
            c00c 0005 0001 0000003c 0006 03 776562 c010
            c02d 0001 0001 0000003c 0004 c0000201
            """))
        let decoded = try Message(wire: bytes)
        #expect(decoded == message)
        // The compressed owner takes the case of the question it points to (RFC 1034 §3.1 allows it).
        #expect(decoded.answers[0].name.description == "www.example.com.")
        #expect(decoded.answers[0].data == .cname(name("web.example.com.")))
    }

    @Test func srvTargetsAndUnknownTypesAreNotCompressed() throws {
        var message = Message(header: Header(isResponse: true))
        message.answers = [
            ResourceRecord(name: name("example.com."), ttl: 1, data: .srv(.init(priority: 0, weight: 0, port: 1, target: name("example.com.")))),
            ResourceRecord(name: name("example.com."), ttl: 1, data: .unknown(type: RRType(65280), data: hex("076578616d706c6503636f6d00"))),
        ]
        let bytes = try message.wireBytes()
        // SRV RDATA: 6 octets of numbers and the full 13-octet name; the unknown type's octets untouched.
        #expect(bytes.count == 12 + (13 + 10 + 19) + (2 + 10 + 13))
        #expect(try Message(wire: bytes) == message)
    }

    @Test func namesPastOffset16383AreWrittenWhole() throws {
        // 70 TXT records of 255 octets push later names beyond what a 14-bit pointer reaches.
        var message = Message(header: Header(isResponse: true))
        let filler = name("f.example.")
        message.answers = (0..<70).map { _ in
            ResourceRecord(name: filler, ttl: 1, data: .txt(RData.TXT(splitting: Array(repeating: 0x7A, count: 255))))
        }
        let late = ResourceRecord(name: name("late.example."), ttl: 1, data: .a(IPv4Address("192.0.2.9")!))
        message.additional = [late, late]
        let bytes = try message.wireBytes()
        #expect(bytes.count > 0x3FFF)
        let decoded = try Message(wire: bytes)
        #expect(decoded.additional == [late, late])
        // The second "late" cannot point at the first (beyond 0x3FFF), so "late" is written twice, each
        // ending in a pointer to "example." near the start.
        let lateLabel = hex("04 6c617465")
        let occurrences = (0..<(bytes.count - 4)).filter { Array(bytes[$0..<($0 + 5)]) == lateLabel }
        #expect(occurrences.count == 2)
        #expect(occurrences.allSatisfy { $0 > 0x3FFF })
    }
}
