import DNSWire
import Testing
@testable import Server

/// Response rate limiting as a table of checks at given times: what each response to each client gets.
@Suite("Response rate limiting")
struct ResponseRateLimiterTests {
    static let second: UInt64 = 1_000_000_000

    static func response(_ name: String, rcode: RCode = .noError) throws -> [UInt8] {
        var message = Message.query(try Name(name), .a).makeResponse(rcode: rcode)
        message.header.isAuthoritative = true
        return try message.wireBytes()
    }

    static func check(_ limiter: ResponseRateLimiter, _ bytes: [UInt8], from client: String, at now: UInt64) -> ResponseRateLimiter.Verdict {
        bytes.withUnsafeBytes { limiter.check($0, client: IPAddress(client)!, now: now) }
    }

    @Test func aNetworkGetsTheRateThenSlipsEveryOtherDrop() throws {
        let limiter = ResponseRateLimiter(settings: .init(rate: 5, slip: 2, exempt: []))
        let www = try Self.response("www.example.com.")
        let verdicts = (0..<9).map { _ in Self.check(limiter, www, from: "192.0.2.1", at: Self.second) }
        #expect(verdicts == Array(repeating: .send, count: 5) + [.drop, .slip, .drop, .slip])
        // The same /24 shares the bucket; another /24 and another answer have their own.
        #expect(Self.check(limiter, www, from: "192.0.2.200", at: Self.second) == .drop)
        #expect(Self.check(limiter, www, from: "192.0.3.1", at: Self.second) == .send)
        #expect(Self.check(limiter, try Self.response("api.example.com."), from: "192.0.2.1", at: Self.second) == .send)
        // Case does not make another answer.
        #expect(Self.check(limiter, try Self.response("WWW.Example.COM."), from: "192.0.2.1", at: Self.second) == .slip)
        // The bucket refills at the rate: 0.4 s later two more go out.
        let later = Self.second + Self.second * 4 / 10
        #expect((0..<3).map { _ in Self.check(limiter, www, from: "192.0.2.1", at: later) } == [.send, .send, .drop])
        #expect(limiter.counts.dropped == 4 && limiter.counts.slipped == 3)
    }

    /// Every NXDOMAIN to a network shares one bucket, so a flood of random names is limited as one.
    @Test func errorsShareABucketPerNetwork() throws {
        let limiter = ResponseRateLimiter(settings: .init(rate: 2, slip: 0, exempt: []))
        let verdicts = try (0..<4).map { Self.check(limiter, try Self.response("r\($0).example.com.", rcode: .nameError), from: "2001:db8:1:2::1", at: 0) }
        #expect(verdicts == [.send, .send, .drop, .drop])
        // Another /56 is another network; within the same /56 it is not.
        #expect(Self.check(limiter, try Self.response("x.example.com.", rcode: .nameError), from: "2001:db8:1:ff::1", at: 0) == .drop)
        #expect(Self.check(limiter, try Self.response("x.example.com.", rcode: .nameError), from: "2001:db8:1:100::1", at: 0) == .send)
    }

    @Test func exemptNetworksAndAZeroRateAreNeverLimited() throws {
        let www = try Self.response("www.example.com.")
        let loopback = ResponseRateLimiter(settings: .init(rate: 1, slip: 2))
        #expect((0..<5).map { _ in Self.check(loopback, www, from: "127.0.0.1", at: 0) }.allSatisfy { $0 == .send })
        #expect((0..<5).map { _ in Self.check(loopback, www, from: "::1", at: 0) }.allSatisfy { $0 == .send })
        #expect(Self.check(loopback, www, from: "192.0.2.1", at: 0) == .send && Self.check(loopback, www, from: "192.0.2.1", at: 0) == .drop)
        let off = ResponseRateLimiter(settings: .init(rate: 0, slip: 2, exempt: []))
        #expect((0..<5).map { _ in Self.check(off, www, from: "192.0.2.1", at: 0) }.allSatisfy { $0 == .send })
    }

    @Test func aSlipIsTheQuestionWithTC() throws {
        var message = Message.query(try Name("www.example.com."), .a).makeResponse()
        message.answers = [ResourceRecord(name: try Name("www.example.com."), ttl: 60, data: .a(IPv4Address(0xC000_0201)))]
        let slipped = try Message(wire: try message.wireBytes().withUnsafeBytes { ResponseRateLimiter.truncated($0) })
        #expect(slipped.header.isTruncated && slipped.header.isResponse)
        #expect(slipped.questions == message.questions && slipped.answers.isEmpty && slipped.additional.isEmpty)
    }
}
