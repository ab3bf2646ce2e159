import DNSWire
import Foundation
import Model
import SwitchyardTesting
import Testing
@testable import Monitor

/// Probes against real endpoints started by the test on loopback, switched off and on.
@Suite("Probes against real endpoints")
struct ProbeTests {
    @Test func thresholdsAndHysteresisHoldExactly() async throws {
        let port = try freeLoopbackPort()
        let peer = try ProbePeer(.http, port: port)
        let target = probeTarget(.http, port: port, failureThreshold: 3, successThreshold: 2)
        let recorder = ProbeRecorder()
        let monitor = try recorder.monitor([target])
        defer { monitor.stop() }

        #expect(await recorder.wait { $0.changes(for: target.key).count == 1 })
        let up = try #require(recorder.changes(for: target.key).first)
        #expect(up.from == .unknown && up.to == .up)
        #expect(up.causes.count == 2 && up.causes.allSatisfy { $0.isSuccess })
        #expect(recorder.results(for: target.key).prefix(2).allSatisfy { $0.isSuccess })

        peer.stop()
        #expect(await recorder.wait { $0.changes(for: target.key).count == 2 })
        let down = try #require(recorder.changes(for: target.key).last)
        #expect(down.from == .up && down.to == .down)
        #expect(down.causes.count == 3 && down.causes.allSatisfy { !$0.isSuccess })
        // n−1 failures did nothing: the change came with the third failure in a row, not before.
        #expect(failuresBeforeChange(recorder, key: target.key, changeIndex: 1) == 3)

        try peer.start()
        #expect(await recorder.wait { $0.changes(for: target.key).count == 3 })
        let back = try #require(recorder.changes(for: target.key).last)
        #expect(back.from == .down && back.to == .up)
        #expect(back.causes.count == 2 && back.causes.allSatisfy { $0.isSuccess })
        #expect(successesBeforeChange(recorder, key: target.key, changeIndex: 2) == 2)
    }

    @Test func wrongStatusOrBodyFailsTheProbe() async throws {
        let port = try freeLoopbackPort()
        let peer = try ProbePeer(.http, port: port)
        try peer.respond(status: 503, body: "ok")
        #expect(try await firstResult(probeTarget(.http, port: port, expectBody: "ok")).detail == "HTTP 503, expected 2xx")
        #expect(try await firstResult(probeTarget(.http, port: port, expectStatus: [.code(503)], expectBody: "ok")).isSuccess)

        try peer.respond(status: 200, body: "maintenance")
        let wrongBody = try await firstResult(probeTarget(.http, port: port, expectBody: "ok"))
        #expect(!wrongBody.isSuccess)
        #expect(wrongBody.detail == "HTTP 200, body (11 bytes) does not contain \"ok\"")

        try peer.respond(status: 204, body: "")
        #expect(try await firstResult(probeTarget(.http, port: port, expectStatus: [.range(2)])).detail == "HTTP 204")
        try peer.respond(status: 302, body: "")
        #expect(try await firstResult(probeTarget(.http, port: port)).detail == "HTTP 302, expected 2xx")
    }

    @Test func hostHeaderAndSNIReachTheEndpoint() async throws {
        let directory = try temporaryDirectory("tls")
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = try TestCertificate(name: "www.example.test", in: directory)
        let port = try freeLoopbackPort()
        let peer = try ProbePeer(.http, port: port, certificate: certificate)

        let trusted = try await firstResult(probeTarget(.https, port: port, host: "www.example.test",
                                                        caFile: certificate.certificate.path))
        #expect(trusted.isSuccess, "\(trusted)")
        #expect(peer.log().contains { $0["sni"] == "www.example.test" })
        #expect(peer.log().contains { $0["host"] == "www.example.test:\(port)" && $0["path"] == "/health" })

        let untrusted = try await firstResult(probeTarget(.https, port: port, host: "www.example.test"))
        #expect(!untrusted.isSuccess)
        #expect(untrusted.detail.lowercased().contains("certificate"), "\(untrusted)")

        let wrongName = try await firstResult(probeTarget(.https, port: port, host: "other.example.test",
                                                          caFile: certificate.certificate.path))
        #expect(!wrongName.isSuccess, "the certificate is for www.example.test only")

        let unverified = try await firstResult(probeTarget(.https, port: port, host: "other.example.test", tlsVerify: false))
        #expect(unverified.isSuccess, "\(unverified)")
    }

    @Test func tcpConnectsOrIsRefused() async throws {
        let port = try freeLoopbackPort()
        let peer = try ProbePeer(.tcp, port: port)
        #expect(try await firstResult(probeTarget(.tcp, port: port)).detail == "connected")
        peer.stop()
        let refused = try await firstResult(probeTarget(.tcp, port: port))
        #expect(!refused.isSuccess)
        #expect(refused.detail.contains("Connection refused") || refused.detail.contains("Couldn't connect"), "\(refused)")
    }

    @Test func udpSendsThePayloadAndChecksTheReply() async throws {
        let port = try freeLoopbackPort()
        let peer = try ProbePeer(.udp, port: port, reply: "pong from peer")
        #expect(try await firstResult(probeTarget(.udp, port: port, send: "ping", expect: "pong")).isSuccess)
        #expect(peer.log().contains { $0["datagram"] == "ping" })
        let wrong = try await firstResult(probeTarget(.udp, port: port, send: "ping", expect: "hello"))
        #expect(wrong.detail == "reply of 14 bytes does not contain \"hello\"")
        peer.stop()
        let unreachable = try await firstResult(probeTarget(.udp, port: port, send: "ping", expect: "pong"))
        #expect(unreachable.detail == "receive: Connection refused")
    }

    @Test func udpWithoutAReplyTimesOut() async throws {
        // A listener that never answers: a TCP peer's port takes no datagrams, so bind one that reads only.
        let port = try freeLoopbackPort()
        let silent = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(silent) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(silent, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0)
        let result = try await firstResult(probeTarget(.udp, port: port, timeout: .milliseconds(300), send: "ping"))
        #expect(!result.isSuccess)
        #expect(result.detail.hasPrefix("no reply within"))
    }

    @Test func blackHoledEndpointTimesOutWithoutStallingOthers() async throws {
        let (holePort, livePort) = (try freeLoopbackPort(), try freeLoopbackPort())
        let hole = try ProbePeer(.blackhole, port: holePort)
        let live = try ProbePeer(.http, port: livePort)
        defer { _ = (hole, live) }
        let slow = probeTarget(.http, port: holePort, name: "slow", interval: .seconds(5), timeout: .seconds(1))
        let fast = probeTarget(.http, port: livePort, name: "fast", interval: .milliseconds(100))
        let recorder = ProbeRecorder()
        let monitor = try recorder.monitor([slow, fast])
        defer { monitor.stop() }

        #expect(await recorder.wait { !$0.results(for: slow.key).isEmpty })
        let entries = recorder.all
        guard let (timedOut, finishedAt) = entries.lazy.compactMap({ entry -> (ProbeResult, ContinuousClock.Instant)? in
            if case .result(slow.key, let result, let at) = entry { (result, at) } else { nil }
        }).first else { return }
        #expect(!timedOut.isSuccess)
        #expect(timedOut.detail.lowercased().contains("timed out"), "\(timedOut)")
        // While the black-holed probe waited out its timeout, the fast target kept its 100 ms schedule.
        let startedAt = finishedAt - timedOut.latency
        let meanwhile = entries.filter { entry in
            if case .result(fast.key, let result, let at) = entry { result.isSuccess && at > startedAt && at < finishedAt } else { false }
        }
        #expect(meanwhile.count >= 5, "only \(meanwhile.count) fast probes during a 1 s black hole")
    }

    // MARK: Helpers

    /// The first result of probing `target` alone.
    private func firstResult(_ target: ProbeTarget) async throws -> ProbeResult {
        let recorder = ProbeRecorder()
        let monitor = try recorder.monitor([target])
        defer { monitor.stop() }
        let arrived = await recorder.wait { !$0.results(for: target.key).isEmpty }
        try #require(arrived, "no probe result for \(target.key)")
        return recorder.results(for: target.key)[0]
    }

    /// How many failures in a row came just before change number `changeIndex` of `key`.
    private func failuresBeforeChange(_ recorder: ProbeRecorder, key: EndpointKey, changeIndex: Int) -> Int {
        runBeforeChange(recorder, key: key, changeIndex: changeIndex, success: false)
    }

    private func successesBeforeChange(_ recorder: ProbeRecorder, key: EndpointKey, changeIndex: Int) -> Int {
        runBeforeChange(recorder, key: key, changeIndex: changeIndex, success: true)
    }

    private func runBeforeChange(_ recorder: ProbeRecorder, key: EndpointKey, changeIndex: Int, success: Bool) -> Int {
        var results: [ProbeResult] = []
        var changes = 0
        for entry in recorder.all {
            switch entry {
            case .result(key, let result, _): results.append(result)
            case .change(let change) where change.endpoint == key:
                if changes == changeIndex { return results.reversed().prefix { $0.isSuccess == success }.count }
                changes += 1
            default: break
            }
        }
        return -1
    }
}
