import Testing
@testable import Manifests

@Suite("Decoding helpers")
struct SupportTests {
    @Test(arguments: [("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("2m", .seconds(120)),
                      ("1h", .seconds(3600)), ("1d", .seconds(86400))])
    func durations(text: String, value: Duration) {
        #expect(parseDuration(text) == value)
        #expect(format(value) == text)
    }

    @Test(arguments: ["", "s", "10", "1.5s", "10 s", "-1s", "1w", "1h30m", "9999999999s"])
    func badDurations(text: String) {
        #expect(parseDuration(text) == nil)
    }

    @Test func didYouMean() {
        #expect(closestMatch(to: "tll", in: ["ttl", "soa"]) == "ttl")
        #expect(closestMatch(to: "TTL", in: ["ttl", "soa"]) == "ttl")
        #expect(closestMatch(to: "intervall", in: ["interval", "timeout"]) == "interval")
        #expect(closestMatch(to: "tiemout", in: ["interval", "timeout"]) == "timeout")  // transposition
        #expect(closestMatch(to: "colour", in: ["interval", "timeout"]) == nil)
        #expect(closestMatch(to: "ab", in: ["xy"]) == nil)
    }

    @Test func hostPorts() {
        #expect(parseHostPort("192.0.2.53").map { "\($0.0) \($0.1)" } == "192.0.2.53 53")
        #expect(parseHostPort("192.0.2.53:5300").map { "\($0.0) \($0.1)" } == "192.0.2.53 5300")
        #expect(parseHostPort("[2001:db8::53]:5300").map { "\($0.0) \($0.1)" } == "2001:db8::53 5300")
        #expect(parseHostPort("2001:db8::53").map { "\($0.0) \($0.1)" } == "2001:db8::53 53")
        #expect(parseHostPort("[2001:db8::53]") != nil)
        #expect(parseHostPort("192.0.2.53:0") == nil)
        #expect(parseHostPort("host:53") == nil)
        #expect(parseHostPort("[192.0.2.1]:53") == nil)
    }
}
