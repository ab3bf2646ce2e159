import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Model
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The manifests' monitored endpoints, served on this machine as their monitors expect (HTTP and HTTPS
/// with the expected status and body, a TCP listener, a UDP reply), each until `switchyard demo fail`
/// marks it down: then HTTP answers 503, TCP stops listening and UDP stays silent.
enum DemoEndpoints {
    /// One service per endpoint address and monitor; endpoints named by a host name are left out.
    static func services(for state: DesiredState, demo: DemoState, certificate: DemoCertificate.Files?, logger: Logger) throws -> [any Service] {
        let monitors = Dictionary(state.monitors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var services: [any Service] = []
        for key in state.monitoredEndpoints {
            guard let monitor = monitors[key.monitor], case .address(let address) = key.value else { continue }
            let host = address.description
            let port = Int(monitor.port)
            switch monitor.protocol {
            case .http, .https:
                let server: HTTPServerBuilder
                if monitor.protocol == .https {
                    guard let certificate else { throw DemoError("no certificate for the HTTPS endpoints") }
                    server = try .tls(.http1(), tlsConfiguration: .makeServerConfiguration(
                        certificateChain: try NIOSSLCertificate.fromPEMFile(certificate.certificate.path).map { .certificate($0) },
                        privateKey: .privateKey(try NIOSSLPrivateKey(file: certificate.key.path, format: .pem))))
                } else {
                    server = .http1()
                }
                let (status, body) = answer(monitor)
                let responder = CallbackResponder<BasicRequestContext> { _, _ in
                    if demo.isDown(key) {
                        return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "down: switchyard demo fail\n")))
                    }
                    return Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                                    body: .init(byteBuffer: ByteBuffer(string: body)))
                }
                services.append(Application(responder: responder, server: server,
                                            configuration: .init(address: .hostname(host, port: port), serverName: "switchyard-demo"),
                                            logger: logger))
            case .tcp:
                services.append(TCPEndpoint(host: host, port: port, isDown: { demo.isDown(key) }, logger: logger))
            case .udp:
                services.append(UDPEndpoint(host: host, port: port, reply: monitor.expect ?? monitor.send ?? [], isDown: { demo.isDown(key) },
                                            logger: logger))
            }
        }
        return services
    }

    /// What a healthy endpoint answers: the first status the monitor accepts, a body it expects.
    static func answer(_ monitor: Monitor) -> (HTTPResponse.Status, String) {
        let code: Int = switch monitor.expectStatus.first {
        case .code(let code)?: code
        case .range(let hundreds)?: hundreds * 100
        case nil: 200
        }
        return (HTTPResponse.Status(code: code), (monitor.expectBody ?? "ok") + "\n")
    }
}

/// A TCP listener that is open while the endpoint is up and closed while it is down (a TCP monitor
/// passes when a connection opens), checked every 200 ms.
private struct TCPEndpoint: Service {
    let host: String
    let port: Int
    let isDown: @Sendable () -> Bool
    let logger: Logger

    func run() async throws {
        var listener: Channel?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if isDown(), let open = listener {
                try? await open.close()
                listener = nil
            } else if !isDown(), listener == nil {
                listener = try? await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .childChannelInitializer { channel in channel.close() }
                    .bind(host: host, port: port).get()
                if listener == nil { logger.warning("demo: cannot listen", metadata: ["address": "\(host):\(port)"]) }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        try? await listener?.close()
    }
}

/// Answers every datagram with `reply` while the endpoint is up; silent while it is down.
private struct UDPEndpoint: Service {
    let host: String
    let port: Int
    let reply: [UInt8]
    let isDown: @Sendable () -> Bool
    let logger: Logger

    func run() async throws {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UDPReplier(reply: reply, isDown: isDown))
                }
            }
            .bind(host: host, port: port).get()
        try? await gracefulShutdown()
        try? await channel.close()
    }
}

private final class UDPReplier: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    let reply: [UInt8]
    let isDown: @Sendable () -> Bool

    init(reply: [UInt8], isDown: @escaping @Sendable () -> Bool) {
        self.reply = reply
        self.isDown = isDown
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !isDown() else { return }
        let envelope = unwrapInboundIn(data)
        context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress,
                                                                data: context.channel.allocator.buffer(bytes: reply))), promise: nil)
    }
}
