import Authority
import DNSWire
import NIOCore
import NIOPosix

/// Answers the queries of one TCP connection, in order, several per connection (RFC 7766).
///
/// - Idle is counted from the last whole query (or the last progress of a transfer), not the last
///   byte: one byte every few seconds does not keep a connection open.
/// - Backpressure: queries are answered only while the connection is writable; otherwise they wait in
///   `pending` (at most what one read brought) and reading stops until the client has taken what was
///   written. A client that pipelines queries and never reads costs a bounded buffer, and is closed
///   when the idle timeout passes without progress.
/// - Zone transfers are produced on a thread pool, off the event loop that serves other TCP clients, and written
///   message by message as the connection can take them.
final class TCPQueryHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Queries read but not answered past which reading stops.
    static let maximumPending = 64

    private let responder: QueryResponder
    private let counters: ResponseCounters
    private let connections: TCPConnections
    private let idleTimeout: TimeAmount
    private var pending = CircularBuffer<ByteBuffer>()
    /// Messages of a transfer not written yet.
    private var outbox = CircularBuffer<[UInt8]>()
    private var isTransferring = false
    private var isReading = true
    private var idleTask: Scheduled<Void>?

    init(responder: QueryResponder, counters: ResponseCounters, connections: TCPConnections, idleTimeout: TimeAmount) {
        self.responder = responder
        self.counters = counters
        self.connections = connections
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        restartIdleTimer(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTask?.cancel()
        connections.remove(context.channel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending.append(unwrapInboundIn(data))
        restartIdleTimer(context: context)
        connections.touch(context.channel, now: .now(), busy: isTransferring)
        answerPending(context: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            restartIdleTimer(context: context)  // the client took what was written: progress
            answerPending(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    /// Writes what waits (a transfer's messages first, then queries in order) while the connection is
    /// writable, then reads on only if little waits.
    private func answerPending(context: ChannelHandlerContext) {
        while context.channel.isWritable, let message = outbox.popFirst() {
            write(message, context: context)
        }
        while !isTransferring, outbox.isEmpty, context.channel.isWritable, let frame = pending.popFirst() {
            let client = ClientInfo(address: context.remoteAddress?.dnsAddress, transport: .tcp)
            if frame.withUnsafeReadableBytes({ QueryResponder.isTransferQuery($0) }) {
                startTransfer(frame, client: client, context: context)
            } else {
                for response in frame.withUnsafeReadableBytes({ responder.responses(to: $0, client: client) }) {
                    write(response, context: context)
                }
            }
        }
        context.flush()
        let shouldRead = pending.count < Self.maximumPending && outbox.isEmpty && context.channel.isWritable
        if shouldRead != isReading {
            isReading = shouldRead
            context.channel.setOption(ChannelOptions.autoRead, value: shouldRead).whenComplete { _ in }
            if shouldRead { context.read() }
        }
    }

    /// Produces a zone transfer on the thread pool, then queues its messages to be written in order.
    private func startTransfer(_ frame: ByteBuffer, client: ClientInfo, context: ChannelHandlerContext) {
        isTransferring = true
        connections.touch(context.channel, now: .now(), busy: true)
        let (responder, bytes) = (responder, Array(frame.readableBytesView))
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        NIOThreadPool.singleton.runIfActive(eventLoop: context.eventLoop) {
            bytes.withUnsafeBytes { responder.responses(to: $0, client: client) }
        }.whenComplete { result in
            let (handler, context) = loopBound.value
            handler.isTransferring = false
            handler.connections.touch(context.channel, now: .now(), busy: false)
            if case .success(let messages) = result { handler.outbox.append(contentsOf: messages) }
            handler.restartIdleTimer(context: context)
            handler.answerPending(context: context)
        }
    }

    private func write(_ message: [UInt8], context: ChannelHandlerContext) {
        message.withUnsafeBytes { counters.count($0) }
        var buffer = context.channel.allocator.buffer(capacity: message.count + 2)
        buffer.writeInteger(UInt16(message.count))
        buffer.writeBytes(message)
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    private func restartIdleTimer(context: ChannelHandlerContext) {
        idleTask?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        idleTask = context.eventLoop.scheduleTask(in: idleTimeout) { loopBound.value.close(promise: nil) }
    }

    /// A bad connection (a reset, a framing error) closes that connection and nothing else.
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
