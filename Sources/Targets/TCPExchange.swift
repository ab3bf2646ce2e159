import Foundation
import NIOCore
import NIOPosix
import Server

/// One DNS message sent over a fresh TCP connection and the first message that comes back (RFC 7766
/// framing, a two-octet length before each): how a target is asked and told, so an answer of any size
/// arrives whole and nothing depends on UDP getting through.
enum TCPExchange {
    enum Failure: Error, Sendable, CustomStringConvertible {
        case timedOut
        case closed

        var description: String {
            switch self {
            case .timedOut: "no answer in time"
            case .closed: "the server closed the connection without answering"
            }
        }
    }

    /// Sends `message` to `host`:`port` and returns the reply's bytes; each attempt, connecting included,
    /// is bounded by `timeout`. A connection closed by the server before the message could be written
    /// (seen from named under load, just after it started) sent nothing, so it is tried once more.
    static func exchange(_ message: [UInt8], host: String, port: Int, group: EventLoopGroup, timeout: TimeAmount) async throws -> [UInt8] {
        do {
            return try await attempt(message, host: host, port: port, group: group, timeout: timeout)
        } catch ChannelError.ioOnClosedChannel {
            return try await attempt(message, host: host, port: port, group: group, timeout: timeout)
        }
    }

    private static func attempt(_ message: [UInt8], host: String, port: Int, group: EventLoopGroup, timeout: TimeAmount) async throws -> [UInt8] {
        let loop = group.next()
        let answered = loop.makePromise(of: [UInt8].self)
        let channel: Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(TCPFrameDecoder()))
                        try channel.pipeline.syncOperations.addHandler(FirstMessageHandler(answered: answered))
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            answered.fail(error)  // never connected: nothing else completes the promise
            throw error
        }
        let timer = loop.scheduleTask(in: timeout) { answered.fail(Failure.timedOut) }
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        var buffer = channel.allocator.buffer(capacity: message.count + 2)
        buffer.writeInteger(UInt16(message.count))
        buffer.writeBytes(message)
        try await channel.writeAndFlush(buffer).get()
        return try await answered.futureResult.get()
    }
}

/// Hands the first whole message to the promise; a connection closed before it fails the promise.
private final class FirstMessageHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let answered: EventLoopPromise<[UInt8]>

    init(answered: EventLoopPromise<[UInt8]>) {
        self.answered = answered
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        answered.succeed(buffer.readBytes(length: buffer.readableBytes) ?? [])
    }

    func channelInactive(context: ChannelHandlerContext) {
        answered.fail(TCPExchange.Failure.closed)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        answered.fail(error)
    }
}
