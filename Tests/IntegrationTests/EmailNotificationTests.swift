import Foundation
import Model
import Notify
import SwitchyardTesting
import Testing

/// Email through libcurl SMTP to a real server (aiosmtpd): the message, its headers and AUTH.
@Suite("Notifications by email")
struct EmailNotificationTests {
    static let event = EventBody(
        id: "0b4f6f0e-1111-4222-8333-944445555666", kind: "failover", time: "2026-11-21T12:00:00.000Z", generation: 3,
        revision: "abc123def456", policy: "FailoverPolicy/www", zone: "example.com", owner: "www.example.com.", type: "A",
        before: "primary (192.0.2.1)", after: "secondary (198.51.100.1)",
        causes: [.init(monitor: "web", endpoint: "192.0.2.1", from: "up", to: "down",
                       results: [.init(ok: false, detail: "Failed to connect to 192.0.2.1 port 443: Connection refused",
                                       latencyMilliseconds: 0.4)])])

    @Test func failoverEmailWithAuth() throws {
        let directory = try temporaryDirectory("smtp")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = try SMTPSink(port: try freeLoopbackPort(), directory: directory, auth: "dns:s3cret")
        let passwordFile = directory.appendingPathComponent("password")
        try "s3cret\n".write(to: passwordFile, atomically: true, encoding: .utf8)
        let notifier = Notifier(name: "oncall", events: Set(Notifier.Event.allCases),
                                email: .init(url: "smtp://127.0.0.1:\(sink.port)", startTLS: .optional, from: "dns@example.com",
                                             to: ["oncall@example.com", "sre@example.com"], username: .environment("SMTP_TEST_USER"),
                                             password: .file(passwordFile.path)))
        setenv("SMTP_TEST_USER", "dns", 1)
        let body = try JSONEncoder().encode(Self.event)
        #expect(Deliverer.deliver(kind: "failover", eventID: Self.event.id, body: body, channel: "email", to: notifier) == nil)

        let message = try #require(sink.messages().first)
        #expect(message["from"] as? String == "dns@example.com")
        #expect(message["to"] as? [String] == ["oncall@example.com", "sre@example.com"])
        #expect(message["login"] as? String == "dns")
        let text = try #require(message["message"] as? String)
        #expect(text.contains("Message-ID: <\(Self.event.id)@switchyard>"))
        #expect(text.contains("From: dns@example.com") && text.contains("To: oncall@example.com, sre@example.com"))
        #expect(text.range(of: #"Date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000"#, options: .regularExpression) != nil)
        #expect(EmailMessage.subject(Self.event) == "[switchyard] FAILOVER www.example.com A: primary (192.0.2.1) → secondary (198.51.100.1)")
        #expect(text.contains("Subject: =?UTF-8?B?"))
        for line in ["Policy:  FailoverPolicy/www", "Name:    www.example.com. A", "Before:  primary (192.0.2.1)",
                     "After:   secondary (198.51.100.1)", "  web 192.0.2.1: up → down",
                     "    failed: Failed to connect to 192.0.2.1 port 443: Connection refused (0.4 ms)",
                     "Generation: 3", "Revision:   abc123def456"] {
            #expect(text.contains(line), "\(line)\n\(text)")
        }

        // A wrong password is refused by the server, and the error says so without the secret.
        try "wrong\n".write(to: passwordFile, atomically: true, encoding: .utf8)
        let refused = Deliverer.deliver(kind: "failover", eventID: Self.event.id, body: body, channel: "email", to: notifier)
        #expect(refused != nil && refused?.contains("wrong") == false, "\(refused ?? "")")
        #expect(sink.messages().count == 1)
    }

    @Test func requiredStartTLSIsUsedAndAServerWithoutItIsRefused() throws {
        let directory = try temporaryDirectory("smtp-tls")
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = try TestCertificate(name: "localhost", in: directory)
        let secure = try SMTPSink(port: try freeLoopbackPort(), directory: directory, auth: "dns:s3cret", certificate: certificate)
        let plain = try SMTPSink(port: try freeLoopbackPort(), directory: directory)
        setenv("SMTP_TLS_TEST_PASSWORD", "s3cret", 1)
        func notifier(port: Int, caFile: String?) -> Notifier {
            Notifier(name: "oncall", events: Set(Notifier.Event.allCases),
                     email: .init(url: "smtp://localhost:\(port)", startTLS: .required, from: "dns@example.com", to: ["oncall@example.com"],
                                  username: .environment("SMTP_TLS_TEST_USER"), password: .environment("SMTP_TLS_TEST_PASSWORD"),
                                  caFile: caFile))
        }
        setenv("SMTP_TLS_TEST_USER", "dns", 1)
        let body = try JSONEncoder().encode(Self.event)
        let delivered = Deliverer.deliver(kind: "failover", eventID: Self.event.id, body: body, channel: "email",
                                          to: notifier(port: secure.port, caFile: certificate.certificate.path))
        #expect(delivered == nil, "\(delivered ?? "")")
        let message = try #require(secure.messages().first)
        #expect(message["tls"] as? Bool == true && message["login"] as? String == "dns")

        // Without the private CA the certificate is not trusted; without STARTTLS on the server, required fails.
        #expect(Deliverer.deliver(kind: "failover", eventID: Self.event.id, body: body, channel: "email",
                                  to: notifier(port: secure.port, caFile: nil)) != nil)
        #expect(Deliverer.deliver(kind: "failover", eventID: Self.event.id, body: body, channel: "email",
                                  to: notifier(port: plain.port, caFile: certificate.certificate.path)) != nil)
        #expect(plain.messages().isEmpty && secure.messages().count == 1)

        // smtps://: TLS from the first byte.
        let implicit = try SMTPSink(port: try freeLoopbackPort(), directory: directory, certificate: certificate, implicitTLS: true)
        let smtps = Notifier(name: "oncall", events: [.failover],
                             email: .init(url: "smtps://localhost:\(implicit.port)", startTLS: .none, from: "dns@example.com",
                                          to: ["oncall@example.com"], caFile: certificate.certificate.path))
        let sent = Deliverer.deliver(kind: "failover", eventID: Self.event.id, body: body, channel: "email", to: smtps)
        #expect(sent == nil, "\(sent ?? "")")
        #expect(implicit.messages().count == 1)
    }
}
