import Authority
import DNSWire
import NIOCore

/// Answers the queries of one TCP connection, in order, several per connection (RFC 7766), and zone
/// transfers. Closes the connection when it has been idle too long.
final class TCPQueryHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let responder: QueryResponder
    private let counters: ResponseCounters

    init(responder: QueryResponder, counters: ResponseCounters) {
        self.responder = responder
        self.counters = counters
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        let client = ClientInfo(address: context.remoteAddress?.dnsAddress, transport: .tcp)
        let responses = frame.withUnsafeReadableBytes { responder.responses(to: $0, client: client) }
        for response in responses {
            response.withUnsafeBytes { counters.count($0) }
            var buffer = context.channel.allocator.buffer(capacity: response.count + 2)
            buffer.writeInteger(UInt16(response.count))
            buffer.writeBytes(response)
            context.write(wrapOutboundOut(buffer), promise: nil)
        }
        context.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// A bad connection (a reset, a framing error) closes that connection and nothing else.
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
