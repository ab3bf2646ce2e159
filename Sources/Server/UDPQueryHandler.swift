import Authority
import NIOCore

/// Answers each datagram from the current snapshot. Writes are flushed once per read batch, which
/// lets NIO send them with sendmmsg (BUILD-NOTES §7: about 40% more queries per second).
final class UDPQueryHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let responder: QueryResponder
    private var needsFlush = false

    init(responder: QueryResponder) {
        self.responder = responder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let client = ClientInfo(address: envelope.remoteAddress.dnsAddress, transport: .udp)
        guard let response = envelope.data.withUnsafeReadableBytes({ responder.response(to: $0, client: client) }) else { return }
        var buffer = context.channel.allocator.buffer(capacity: response.count)
        buffer.writeBytes(response)
        context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
        needsFlush = true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
    }

    /// A UDP socket reports errors such as an ICMP port-unreachable from an earlier reply; none of them
    /// is a reason to stop serving everyone else.
    func errorCaught(context: ChannelHandlerContext, error: Error) {}
}
