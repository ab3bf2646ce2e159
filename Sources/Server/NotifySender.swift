import DNSWire
import Foundation
import Logging
import NIOCore
import NIOPosix

/// Sends NOTIFY (RFC 1996) to secondaries and retries until each one acknowledges, a bounded number of
/// times with doubling waits (RFC 1996 §3.6 leaves the schedule to the primary). A NOTIFY to a secondary
/// with a TSIG key is signed with it (RFC 8945), and only an answer from the secondary's own address
/// and port, with the ID sent, counts as its acknowledgement.
public final class NotifySender: Sendable {
    public static let attempts = 5
    public static let firstTimeout: TimeAmount = .seconds(1)

    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger

    public init(group: MultiThreadedEventLoopGroup, logger: Logger) {
        self.group = group
        self.logger = logger
    }

    /// Tells `secondary` that `origin` is now at `serial`. Returns true once acknowledged, false after
    /// the last attempt or when the task is cancelled (a newer serial replaces it); never throws.
    @discardableResult
    public func notify(origin: Name, serial: UInt32, secondary: (address: IPAddress, port: UInt16),
                       key: (name: Name, keyring: TSIGKeyringReference)? = nil) async -> Bool {
        var timeout = Self.firstTimeout
        var lastError = ""
        for attempt in 1...Self.attempts {
            if Task.isCancelled { return false }
            let started = NIODeadline.now()
            do {
                let rcode = try await send(origin: origin, serial: serial, to: secondary, key: key, timeout: timeout)
                logger.info("NOTIFY acknowledged", metadata: [
                    "zone": "\(origin)", "serial": "\(serial)", "secondary": "\(secondary.address):\(secondary.port)",
                    "rcode": "\(rcode)", "attempt": "\(attempt)"])
                return true
            } catch {
                logger.debug("NOTIFY unanswered", metadata: [
                    "zone": "\(origin)", "secondary": "\(secondary.address):\(secondary.port)", "attempt": "\(attempt)",
                    "error": "\(error)"])
                lastError = "\(error)"
                // A refused port (ICMP) or a key without its secret fails at once: the attempt still takes
                // its time, so the attempts span a secondary's restart or the secret's arrival.
                let left = timeout - (NIODeadline.now() - started)
                if (attempt < Self.attempts) && left > .zero { try? await Task.sleep(nanoseconds: UInt64(left.nanoseconds)) }
            }
            timeout = timeout * 2
        }
        logger.warning("NOTIFY gave up", metadata: [
            "zone": "\(origin)", "serial": "\(serial)", "secondary": "\(secondary.address):\(secondary.port)",
            "attempts": "\(Self.attempts)", "error": "\(lastError)"])
        return false
    }

    private struct Timeout: Error {}

    private struct UnknownKey: Error, CustomStringConvertible {
        let name: Name
        var description: String { "the TSIG key \(name) has no secret" }
    }

    private func send(origin: Name, serial: UInt32, to secondary: (address: IPAddress, port: UInt16),
                      key: (name: Name, keyring: TSIGKeyringReference)?, timeout: TimeAmount) async throws -> RCode {
        let id = UInt16.random(in: .min ... .max)
        var message = Message(header: Header(id: id, opcode: .notify, isAuthoritative: true),
                              questions: [Question(name: origin, type: .soa)])
        // The SOA in the answer section lets the secondary skip its own SOA query (RFC 1996 §3.7).
        message.answers = [ResourceRecord(name: origin, ttl: 0, data: .soa(RData.SOA(
            primary: .root, contact: .root, serial: serial, refresh: 0, retry: 0, expire: 0, minimum: 0)))]
        var bytes = try message.wireBytes()
        if let key {
            let keyring = key.keyring.load()
            guard let algorithm = keyring.algorithm(of: key.name) else { throw UnknownKey(name: key.name) }
            var record = TSIGRecord(keyName: key.name, algorithm: algorithm.name, timeSigned: UInt64(max(0, Date().timeIntervalSince1970)),
                                    originalID: id)
            record.mac = keyring.mac(TSIG.requestData(message: bytes, record: record), key: key.name) ?? []
            bytes = TSIG.appending(record, to: bytes)
        }
        let remote: SocketAddress
        let local: String
        switch secondary.address {
        case .v4(let address):
            remote = try SocketAddress(ipAddress: address.description, port: Int(secondary.port))
            local = "0.0.0.0"
        case .v6(let address):
            remote = try SocketAddress(ipAddress: address.description, port: Int(secondary.port))
            local = "::"
        }
        let loop = group.next()
        let acknowledged = loop.makePromise(of: RCode.self)
        let channel = try await DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NotifyResponseHandler(id: id, from: remote, acknowledged: acknowledged))
                }
            }
            .bind(host: local, port: 0).get()
        let timer = loop.scheduleTask(in: timeout) { acknowledged.fail(Timeout()) }
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: buffer)).get()
        return try await withTaskCancellationHandler {
            try await acknowledged.futureResult.get()
        } onCancel: {
            acknowledged.fail(CancellationError())
        }
    }
}

/// Completes the promise with the RCODE of the matching NOTIFY response (from the secondary's address and
/// port, with the ID sent); ignores anything else.
private final class NotifyResponseHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let id: UInt16
    let remote: SocketAddress
    let acknowledged: EventLoopPromise<RCode>

    init(id: UInt16, from remote: SocketAddress, acknowledged: EventLoopPromise<RCode>) {
        self.id = id
        self.remote = remote
        self.acknowledged = acknowledged
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard envelope.remoteAddress.ipAddress == remote.ipAddress, envelope.remoteAddress.port == remote.port,
              let response = envelope.data.withUnsafeReadableBytes({ try? Message(wire: $0) }),
              response.header.id == id, response.header.isResponse, response.header.opcode == .notify else { return }
        acknowledged.succeed(response.rcode)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        acknowledged.fail(error)
    }
}
