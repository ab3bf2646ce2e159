import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Model
import NIOCore
import NIOPosix
import Notify
import ServiceLifecycle

/// Receivers for the manifests' notifiers when they point at this machine: an SMTP server that takes
/// every message (AUTH PLAIN checked against the demo's credentials) and a webhook endpoint that checks
/// each delivery's signature. Each prints one line per event it receives.
enum DemoSinks {
    struct Credentials: Sendable {
        var username: String
        var password: String
        var webhookSecret: String
    }

    static func services(for state: DesiredState, credentials: Credentials, print: @escaping @Sendable (String) -> Void,
                         logger: Logger) -> [any Service] {
        var services: [any Service] = []
        var seen: Set<String> = []
        for notifier in state.notifiers {
            if let email = notifier.email, let (host, port) = loopback(email.url, defaultPort: 25), seen.insert("smtp \(host):\(port)").inserted {
                services.append(SMTPSink(host: host, port: port, credentials: credentials, print: print))
            }
            if let webhook = notifier.webhook, webhook.url.hasPrefix("http://"), let (host, port) = loopback(webhook.url, defaultPort: 80),
               seen.insert("http \(host):\(port)").inserted {
                let secret = credentials.webhookSecret
                let responder = CallbackResponder<BasicRequestContext> { request, _ in
                    let body = try await request.body.collect(upTo: 1 << 20)
                    let data = Data(buffer: body)
                    let timestamp = request.headers[HTTPField.Name("X-Switchyard-Timestamp")!].flatMap { Int($0) } ?? 0
                    let signed = request.headers[HTTPField.Name("X-Switchyard-Signature")!]
                    let verified = signed == "sha256=" + WebhookRequest.signature(body: data, timestamp: timestamp, secret: secret)
                    let event = try? JSONDecoder().decode(EventBody.self, from: data)
                    print("demo: webhook \(event.map(describe) ?? "\(data.count) octets")" + (verified ? " (signature verified)" : " (BAD SIGNATURE)"))
                    return Response(status: verified ? .noContent : .unauthorized)
                }
                services.append(Application(responder: responder, configuration: .init(address: .hostname(host, port: port),
                                                                                       serverName: "switchyard-demo"), logger: logger))
            }
        }
        return services
    }

    /// `failover FailoverPolicy/www: primary (127.0.0.10, 127.0.0.11) → secondary (127.0.0.20)`.
    static func describe(_ event: EventBody) -> String {
        var text = "\(event.kind) \(event.policy ?? event.error ?? "")"
        if let before = event.before, let after = event.after { text += ": \(before) → \(after)" }
        return text
    }

    /// The host and port of a URL on a loopback address (127.0.0.0/8, ::1, localhost), else nil.
    static func loopback(_ text: String, defaultPort: Int) -> (String, Int)? {
        guard let url = URL(string: text), let host = url.host else { return nil }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard bare == "localhost" || bare == "::1" || bare.hasPrefix("127.") else { return nil }
        return (bare, url.port ?? defaultPort)
    }
}

/// A minimal SMTP server (RFC 5321) that accepts every message and prints its subject.
private struct SMTPSink: Service {
    let host: String
    let port: Int
    let credentials: DemoSinks.Credentials
    let print: @Sendable (String) -> Void

    func run() async throws {
        let (credentials, print) = (credentials, print)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SMTPSession(credentials: credentials, print: print))
                }
            }
            .bind(host: host, port: port).get()
        try? await gracefulShutdown()
        try? await channel.close()
    }
}

private final class SMTPSession: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let credentials: DemoSinks.Credentials
    let print: @Sendable (String) -> Void
    private var pending: [UInt8] = []
    private var recipients: [String] = []
    private var message: [String]? = nil
    private var awaitingPlain = false

    init(credentials: DemoSinks.Credentials, print: @escaping @Sendable (String) -> Void) {
        self.credentials = credentials
        self.print = print
    }

    func channelActive(context: ChannelHandlerContext) {
        send("220 switchyard-demo ESMTP", context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        while let end = pending.firstIndex(of: 0x0A) {
            var line = String(decoding: pending[..<end], as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            pending.removeSubrange(...end)
            handle(line, context: context)
        }
        if pending.count > 1 << 20 { context.close(promise: nil) }
    }

    private func handle(_ line: String, context: ChannelHandlerContext) {
        if var lines = message {
            guard line == "." else {
                lines.append(line.hasPrefix("..") ? String(line.dropFirst()) : line)
                message = lines
                return
            }
            message = nil
            print("demo: email to \(recipients.joined(separator: ", ")): \(Self.subject(of: lines))")
            recipients = []
            return send("250 OK: queued", context: context)
        }
        if awaitingPlain {
            awaitingPlain = false
            return authenticate(line, context: context)
        }
        let verb = line.split(separator: " ").first.map { $0.uppercased() } ?? ""
        switch verb {
        case "EHLO": send("250-switchyard-demo\r\n250-AUTH PLAIN\r\n250 8BITMIME", context: context)
        case "HELO": send("250 switchyard-demo", context: context)
        case "AUTH":
            let parts = line.split(separator: " ")
            guard parts.count >= 2, parts[1].uppercased() == "PLAIN" else { return send("504 only AUTH PLAIN", context: context) }
            if parts.count >= 3 { authenticate(String(parts[2]), context: context) } else {
                awaitingPlain = true
                send("334 ", context: context)
            }
        case "MAIL": send("250 OK", context: context)
        case "RCPT":
            recipients.append(line.drop { $0 != "<" }.trimmingCharacters(in: CharacterSet(charactersIn: "<>")))
            send("250 OK", context: context)
        case "DATA":
            message = []
            send("354 end with <CRLF>.<CRLF>", context: context)
        case "RSET", "NOOP": send("250 OK", context: context)
        case "QUIT":
            send("221 bye", context: context)
            context.close(promise: nil)
        default: send("502 not implemented", context: context)
        }
    }

    /// AUTH PLAIN: base64 of `authzid NUL user NUL password` (RFC 4616).
    private func authenticate(_ encoded: String, context: ChannelHandlerContext) {
        let fields = Data(base64Encoded: encoded).map { $0.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) } } ?? []
        if fields.count == 3, fields[1] == credentials.username, fields[2] == credentials.password {
            send("235 authenticated", context: context)
        } else {
            print("demo: email refused: wrong SMTP credentials")
            send("535 authentication failed", context: context)
        }
    }

    private func send(_ reply: String, context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: reply + "\r\n")), promise: nil)
    }

    /// The Subject header, unfolded, its RFC 2047 words decoded.
    static func subject(of lines: [String]) -> String {
        guard let start = lines.firstIndex(where: { $0.lowercased().hasPrefix("subject:") }) else { return "(no subject)" }
        var raw = String(lines[start].dropFirst("subject:".count))
        for line in lines[(start + 1)...] {
            guard line.hasPrefix(" ") || line.hasPrefix("\t") else { break }
            raw += line
        }
        let words = raw.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var decoded = ""
        var previousWasEncoded = false
        for word in words {
            if word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="), let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) {
                // Adjacent encoded words join without the space between them (RFC 2047 §6.2).
                if !decoded.isEmpty && !previousWasEncoded { decoded += " " }
                decoded += String(decoding: data, as: UTF8.self)
                previousWasEncoded = true
            } else {
                if !decoded.isEmpty { decoded += " " }
                decoded += word
                previousWasEncoded = false
            }
        }
        return decoded.trimmingCharacters(in: .whitespaces)
    }
}
