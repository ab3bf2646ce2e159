import Foundation
import SwitchyardTesting
import Testing

/// What a server on a public address may be told to insist on or say about itself, checked with dig:
/// required server cookies (BADCOOKIE, RFC 7873 §5.2.3) and NSID (RFC 5001), each only when configured.
@Suite("Required cookies and NSID")
struct ServerIdentityTests {
    @Test func requiredCookiesAndNSID() throws {
        let manifests = try RateLimitTests.zone("identity")
        defer { try? FileManager.default.removeItem(at: manifests) }
        let controller = try ControllerProcess(manifests: manifests, extraArguments: ["--require-cookie", "--nsid", "ns-test-1"])
        defer { controller.stop() }

        // A first query carries only a client cookie: BADCOOKIE, with a server cookie to retry with.
        let refused = try dig(["+nobadcookie", "www.example.test", "A"], port: controller.port)
        #expect(refused.status == "BADCOOKIE" && refused.answer.isEmpty, "\(refused)")
        #expect(refused.raw.contains("; COOKIE:"), "\(refused)")
        // dig retries with it, as resolvers do, and gets the answer.
        let retried = try dig(["www.example.test", "A"], port: controller.port)
        #expect(retried.status == "NOERROR" && retried.answer == ["www.example.test. 300 IN A 192.0.2.10"], "\(retried)")
        #expect(retried.raw.contains("(good)"), "\(retried)")
        // Without a cookie, or over TCP (which proves the address), the answer comes straight away.
        #expect(try dig(["+nocookie", "www.example.test", "A"], port: controller.port).status == "NOERROR")
        #expect(try dig(["+tcp", "+nobadcookie", "www.example.test", "A"], port: controller.port).status == "NOERROR")

        // NSID only to a query that asks for it.
        let asked = try dig(["+nocookie", "+nsid", "www.example.test", "A"], port: controller.port)
        #expect(asked.raw.contains("; NSID: ") && asked.raw.contains("(\"ns-test-1\")"), "\(asked)")
        #expect(!(try dig(["+nocookie", "www.example.test", "A"], port: controller.port).raw.contains("NSID")))
    }

    @Test func neitherUnlessConfigured() throws {
        let manifests = try RateLimitTests.zone("identity-default")
        defer { try? FileManager.default.removeItem(at: manifests) }
        let controller = try ControllerProcess(manifests: manifests)
        defer { controller.stop() }
        let result = try dig(["+nobadcookie", "+nsid", "www.example.test", "A"], port: controller.port)
        #expect(result.status == "NOERROR" && !result.raw.contains("NSID"), "\(result)")
    }
}
