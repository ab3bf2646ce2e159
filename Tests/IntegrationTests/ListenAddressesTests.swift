import Foundation
import SwitchyardTesting
import Testing

/// `--dns-listen` given twice: the same answers over UDP and TCP on an IPv4 and an IPv6 address.
@Suite("Several listen addresses")
struct ListenAddressesTests {
    @Test func ipv4AndIPv6() throws {
        let manifests = try RateLimitTests.zone("listen")
        defer { try? FileManager.default.removeItem(at: manifests) }
        let v6Port = try freeLoopbackPort()
        let controller = try ControllerProcess(manifests: manifests, extraArguments: ["--dns-listen", "[::1]:\(v6Port)"])
        defer { controller.stop() }
        for (server, port) in [("127.0.0.1", controller.port), ("::1", v6Port)] {
            for transport in ["+notcp", "+tcp"] {
                let result = try dig([transport, "www.example.test", "A"], server: server, port: port)
                #expect(result.answer == ["www.example.test. 300 IN A 192.0.2.10"], "\(server) \(transport): \(result)")
            }
        }
        #expect(controller.waitForLog(containing: ["DNS listening", "::1"]))
    }

    @Test func onlyTheFirstMayPickItsPort() throws {
        let result = try run(repositoryRoot.appendingPathComponent(".build/debug/switchyard").path,
                             ["controller", "--dns-listen", "127.0.0.1:0", "--dns-listen", "[::1]:0"])
        #expect(result.status == 64 && result.output.contains("only the first address may take port 0"), "\(result.output)")
    }
}
