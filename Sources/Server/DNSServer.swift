import Atomics
import Authority
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// The DNS listener: UDP and TCP on one address, answering from whatever snapshot is current.
public final class DNSServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port (the same one for UDP and TCP); `boundPort` tells which.
        public var port: Int
        /// Open TCP connections at most, in all and from one address; at the total, a new one replaces
        /// the one idle longest.
        public var maxTCPConnections: Int
        public var maxTCPConnectionsPerClient: Int
        /// A TCP connection with no whole query (and no transfer progress) for this long is closed.
        public var tcpIdleTimeout: TimeAmount
        /// Keys for TSIG-signed queries and transfers, replaceable while serving.
        public var keyring: TSIGKeyringReference
        /// Response rate limiting over UDP.
        public var rateLimit: ResponseRateLimiter.Settings

        public init(host: String = "127.0.0.1", port: Int = 5353, maxTCPConnections: Int = 1024, maxTCPConnectionsPerClient: Int = 32,
                    tcpIdleTimeout: TimeAmount = .seconds(10), keyring: TSIGKeyringReference = TSIGKeyringReference(),
                    rateLimit: ResponseRateLimiter.Settings = ResponseRateLimiter.Settings()) {
            self.rateLimit = rateLimit
            self.host = host
            self.port = port
            self.maxTCPConnections = maxTCPConnections
            self.maxTCPConnectionsPerClient = maxTCPConnectionsPerClient
            self.tcpIdleTimeout = tcpIdleTimeout
            self.keyring = keyring
        }
    }

    private let configuration: Configuration
    private let snapshots: SnapshotReference
    private let group: MultiThreadedEventLoopGroup
    private let channels: NIOLockedValueBox<[Channel]> = NIOLockedValueBox([])
    private let connections: TCPConnections
    private let counters: NIOLockedValueBox<[ResponseCounters]> = NIOLockedValueBox([])
    private let logger: Logger
    /// Shared by every UDP event loop: a client's queries may arrive on any of their sockets.
    private let limiter: ResponseRateLimiter

    public init(configuration: Configuration, snapshots: SnapshotReference, group: MultiThreadedEventLoopGroup,
                logger: Logger) {
        self.configuration = configuration
        limiter = ResponseRateLimiter(settings: configuration.rateLimit)
        connections = TCPConnections(total: configuration.maxTCPConnections, perClient: configuration.maxTCPConnectionsPerClient)
        self.snapshots = snapshots
        self.group = group
        self.logger = logger
    }

    /// Binds UDP (one SO_REUSEPORT socket per event loop, reading up to 16 datagrams per call) and TCP,
    /// and returns the port they share. With port 0 the UDP port is picked first; when TCP cannot have
    /// the same number (a connection may be using it), another pair is tried.
    public func start() async throws -> Int {
        let now: @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }
        let responder = QueryResponder(snapshots: snapshots, keyring: configuration.keyring, cookies: ServerCookies(now: now()), now: now,
                                       logger: logger)
        var attempt = 1
        while true {
            do {
                return try await bind(responder: responder)
            } catch let error as IOError where configuration.port == 0 && error.errnoCode == EADDRINUSE && attempt < 10 {
                attempt += 1
            }
        }
    }

    private func bind(responder: QueryResponder) async throws -> Int {
        let loops = Array(group.makeIterator())
        var udpChannels: [Channel] = []
        var port = configuration.port
        let tcpCounters = ResponseCounters()
        var allCounters = [tcpCounters]
        do {
            for loop in loops {
                let loopCounters = ResponseCounters()
                allCounters.append(loopCounters)
                let channel = try await DatagramBootstrap(group: loop)
                    .channelOption(.socketOption(.so_reuseaddr), value: 1)
                    .channelOption(ChannelOptions.Types.SocketOption(level: .socket, name: .init(rawValue: SO_REUSEPORT)), value: 1)
                    .channelOption(.datagramVectorReadMessageCount, value: 16)
                    // NIO splits the allocator's capacity into one slot per message, and each slot must hold
                    // the largest query we take, or large EDNS queries are cut. 16 × 4 KiB keeps each read's
                    // buffer under glibc's 128 KiB mmap threshold, so reading never maps and unmaps memory;
                    // 8 and 32 slots measured alike with dnsperf.
                    .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 16 * 4096))
         .channelInitializer { [limiter] channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(UDPQueryHandler(responder: responder, counters: loopCounters,
                                                                                           limiter: limiter))
                        }
                    }
                    .bind(host: configuration.host, port: port).get()
                if port == 0 { port = channel.localAddress?.port ?? 0 }
                udpChannels.append(channel)
            }
            let tcp = try await bindTCP(port: port, responder: responder, counters: tcpCounters)
            channels.withLockedValue { $0 = udpChannels + [tcp] }
        } catch {
            for channel in udpChannels { try? await channel.close() }
            throw error
        }
        counters.withLockedValue { $0 = allCounters }
        logger.info("DNS listening", metadata: ["address": "\(configuration.host)", "port": "\(port)", "udpSockets": "\(loops.count)"])
        return port
    }

    private func bindTCP(port: Int, responder: QueryResponder, counters: ResponseCounters) async throws -> Channel {
        let idleTimeout = configuration.tcpIdleTimeout
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [connections, logger] channel in
                let client = channel.remoteAddress?.dnsAddress
                switch connections.admit(channel, client: client, now: .now()) {
                case .admitted: break
                case .admittedEvicting:
                    logger.debug("TCP connection replaced the one idle longest", metadata: ["cap": "\(connections.total)"])
                case .refusedClientCap:
                    logger.debug("TCP connection refused: the client is at its cap",
                                 metadata: ["client": "\(client.map { "\($0)" } ?? "-")", "cap": "\(connections.perClient)"])
                    return channel.close()
                case .refusedFull:
                    logger.warning("TCP connection refused: every connection is busy", metadata: ["cap": "\(connections.total)"])
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in connections.remove(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    try operations.addHandler(ByteToMessageHandler(TCPFrameDecoder()))
                    try operations.addHandler(TCPQueryHandler(responder: responder, counters: counters, connections: connections,
                                                              idleTimeout: idleTimeout))
                }
            }
            .bind(host: configuration.host, port: port).get()
    }

    /// Responses sent since start, by RCODE (index 0 = NOERROR … 23, extended ones such as BADVERS at
    /// their own values), over UDP and TCP.
    public var responsesByRCode: [Int] {
        counters.withLockedValue { $0 }.reduce(into: [Int](repeating: 0, count: ResponseCounters.codes)) { total, set in
            for (index, value) in set.values.enumerated() { total[index] += value }
        }
    }

    /// UDP responses rate limiting dropped, and sent truncated instead, since start.
    public var rateLimited: (dropped: Int, slipped: Int) { limiter.counts }

    /// Closes every listener; queries in flight finish.
    public func stop() async {
        let open = channels.withLockedValue { channels in
            defer { channels = [] }
            return channels
        }
        for channel in open {
            try? await channel.close()
        }
    }
}
