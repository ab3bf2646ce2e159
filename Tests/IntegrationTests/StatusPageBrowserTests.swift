import Foundation
import SwitchyardTesting
import Testing

/// The status page as a person sees it: Debian's Chromium, headless, loads it from a running controller
/// after a failover, and the rendered DOM says what each policy serves and why, each endpoint's health
/// and recent changes, and the events with their deliveries. A phone-sized screenshot is kept under
/// .build/test-output/status-page/.
@Suite("Status page in a browser")
struct StatusPageBrowserTests {
    static let chromium = "/usr/bin/chromium"

    /// Runs headless Chromium on `url` with `arguments` (`--dump-dom`, `--screenshot=…`), its profile in
    /// `profile`; its standard output.
    static func chromium(_ arguments: [String], url: String, profile: URL) throws -> String {
        try run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                           "--user-data-dir=\(profile.path)"] + arguments + [url], timeout: 60).output
    }

    @Test
    func renderedAfterAFailover() throws {
        let port = try freeLoopbackPort()
        let primary = try ProbePeer(.http, host: "127.0.0.1", port: port)
        let secondary = try ProbePeer(.http, host: "127.0.0.2", port: port)
        let directory = try temporaryDirectory("status-page")
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.test}
            spec: {soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1, ns2]}
            ---
            apiVersion: switchyard.io/v1
            kind: Monitor
            metadata: {name: web}
            spec: {protocol: http, port: \(port), path: /health, interval: 1s, timeout: 500ms, failureThreshold: 2, successThreshold: 1}
            ---
            apiVersion: switchyard.io/v1
            kind: FailoverPolicy
            metadata: {name: www}
            spec:
              zone: example.test
              name: www
              type: A
              monitor: web
              tiers: [{name: primary, endpoints: [127.0.0.1]}, {name: secondary, endpoints: [127.0.0.2]}]
            """.write(to: directory.appendingPathComponent("site.yaml"), atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: directory, interval: "1s")
        defer { controller.stop() }
        #expect(controller.waitForLog(containing: ["endpoint health", "endpoint=127.0.0.1", "to=up"]), "\(controller.log)")
        primary.stop()
        #expect(controller.waitForLog(containing: ["failover event", "after=secondary (127.0.0.2)"]), "\(controller.log)")

        let profile = directory.appendingPathComponent("chromium")
        let page = controller.adminURL + "/"
        let dom = try Self.chromium(["--dump-dom"], url: page, profile: profile)
        for text in ["Switchyard", "Generation 1", "1 of 2 endpoints up",
                     "FailoverPolicy/www", "secondary (127.0.0.2)", "secondary serves: primary has no healthy endpoint",
                     "127.0.0.1", "down", "unknown → up", "up → down", "failover", "FailoverPolicy/www: primary (127.0.0.1) → secondary (127.0.0.2)"] {
            #expect(dom.contains(text), "\(text) is not on the rendered page:\n\(dom)")
        }
        #expect(dom.contains("name=\"viewport\""), "readable on a phone")

        let output = repositoryRoot.appendingPathComponent(".build/test-output/status-page")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let screenshot = output.appendingPathComponent("status-phone.png")
        try? FileManager.default.removeItem(at: screenshot)
        _ = try Self.chromium(["--screenshot=\(screenshot.path)", "--window-size=412,915", "--hide-scrollbars"], url: page, profile: profile)
        let png = try Data(contentsOf: screenshot)
        #expect(png.count > 1000 && png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]), "a PNG screenshot at \(screenshot.path)")
        _ = secondary
    }
}
