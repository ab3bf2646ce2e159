import Testing
@testable import DNSWire

@Suite("Fitting a response into a byte budget")
struct TruncationTests {
    static let owner = name("big.example.com.")

    static func txt(_ owner: Name, _ fill: UInt8, _ length: Int = 200) -> ResourceRecord {
        ResourceRecord(name: owner, ttl: 60, data: .txt(RData.TXT(splitting: Array(repeating: fill, count: length))))
    }

    static func response(answers: [ResourceRecord], additional: [ResourceRecord] = []) -> Message {
        var message = Message.query(owner, .txt, id: 4242).makeResponse()
        message.header.isAuthoritative = true
        message.answers = answers
        message.additional = additional
        message.edns = EDNS(udpPayloadSize: 1232)
        return message
    }

    @Test func aLargeAnswerIsDroppedWholeAndSetsTC() throws {
        let message = Self.response(answers: (0..<10).map { Self.txt(Self.owner, UInt8(65 + $0)) })
        let (bytes, isTruncated) = try message.wireBytes(maxSize: 1232)
        #expect(isTruncated)
        #expect(bytes.count <= 1232)
        let decoded = try Message(wire: bytes)
        #expect(decoded.header.isTruncated)
        #expect(decoded.answers.isEmpty)  // one RRset: never sent in part
        #expect(decoded.edns != nil)  // OPT is kept (RFC 6891 §7)
        #expect(decoded.questions == message.questions)
        // Over TCP it fits whole.
        #expect(try Message(wire: message.wireBytes()).answers.count == 10)
    }

    @Test func earlierRRsetsStayWhenALaterOneDoesNotFit() throws {
        let alias = ResourceRecord(name: Self.owner, ttl: 60, data: .cname(name("target.example.com.")))
        let targets = (0..<8).map { Self.txt(name("target.example.com."), UInt8(65 + $0)) }
        let (bytes, isTruncated) = try Self.response(answers: [alias] + targets).wireBytes(maxSize: 1232)
        #expect(isTruncated)
        let decoded = try Message(wire: bytes)
        #expect(decoded.answers == [alias])
        #expect(decoded.header.isTruncated)
    }

    @Test func losingOnlyAdditionalRecordsDoesNotSetTC() throws {
        let answer = ResourceRecord(name: Self.owner, ttl: 60, data: .a(IPv4Address("192.0.2.1")!))
        let extra = (0..<3).map { Self.txt(name("extra\($0).example.com."), 0x61, 250) }
        // 49 octets of header, question and answer, 270 per extra record, 11 for OPT: one extra fits in 560.
        let (bytes, isTruncated) = try Self.response(answers: [answer], additional: extra).wireBytes(maxSize: 560)
        #expect(!isTruncated)
        let decoded = try Message(wire: bytes)
        #expect(!decoded.header.isTruncated)
        #expect(decoded.answers == [answer])
        #expect(decoded.additional == Array(extra.prefix(1)))
        #expect(bytes.count == 49 + 270 + 11)
    }

    @Test func budgetsBelow512CountAs512() throws {
        let message = Self.response(answers: [Self.txt(Self.owner, 0x62, 400)])
        let (bytes, isTruncated) = try message.wireBytes(maxSize: 100)
        #expect(!isTruncated)
        #expect(bytes.count > 400 && bytes.count <= 512)
    }

    @Test func aMessageOver64KiBIsRefusedWhole() {
        let message = Self.response(answers: (0..<300).map { Self.txt(Self.owner, UInt8(truncatingIfNeeded: $0), 255) })
        #expect(wireError { () throws(DNSWireError) in try message.wireBytes() } == .tooLarge(what: "message"))
    }

    @Test func anExistingTCFlagIsKept() throws {
        var message = Self.response(answers: [])
        message.header.isTruncated = true
        #expect(try Message(wire: message.wireBytes()).header.isTruncated)
    }
}
