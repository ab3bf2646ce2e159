import Authority
import DNSWire
import NIOCore

/// Answers the queries of one TCP connection, in order, several per connection (RFC 7766), and zone
/// transfers. Closes the connection when it has been idle too long.
final class TCPQueryHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let snapshots: SnapshotReference

    init(snapshots: SnapshotReference) {
        self.snapshots = snapshots
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        let client = ClientInfo(address: context.remoteAddress?.dnsAddress, transport: .tcp)
        let snapshot = snapshots.load()
        let responses: [[UInt8]] = frame.withUnsafeReadableBytes { bytes in
            if let query = try? Message(wire: bytes), !query.header.isResponse, query.header.opcode == .query,
               query.questions.count == 1, query.questions[0].type == .axfr || query.questions[0].type == .ixfr {
                return ZoneTransfer.messages(for: query, from: snapshot, client: client).compactMap { try? $0.wireBytes() }
            }
            return Authority.respond(to: bytes, from: snapshot, client: client).map { [$0] } ?? []
        }
        for response in responses {
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
