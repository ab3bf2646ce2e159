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
        /// 0 picks a free port (the same one for UDP and TCP); `start` tells which.
        public var port: Int
        /// More addresses to listen on, each with its own port (not 0), UDP and TCP alike.
        public var additionalAddresses: [(host: String, port: Int)] = []
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
        /// Over UDP, answer a query that has a COOKIE option without a valid server cookie with BADCOOKIE
        /// and a fresh cookie (RFC 7873 §5.2.3) instead of the answer.
        public var requireCookie = false
        /// The NSID (RFC 5001) sent to queries that ask for it; nil sends none.
        public var nsid: [UInt8]? = nil

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
    private let listeners: NIOLockedValueBox<[(udp: UDPListener, tcp: Channel)]> = NIOLockedValueBox([])
    private let connections: TCPConnections
    private let counters: NIOLockedValueBox<[ResponseCounters]> = NIOLockedValueBox([])
    private let logger: Logger
    /// Shared by every UDP thread: a client's queries may arrive on any of their sockets.
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

    /// Binds UDP (`UDPListener`: one SO_REUSEPORT socket and thread per core) and TCP (on the event loops),
    /// and returns the port they share. With port 0 the UDP port is picked first; when TCP cannot have
    /// the same number (a connection may be using it), another pair is tried.
    public func start() async throws -> Int {
        let now: @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }
        var responder = QueryResponder(snapshots: snapshots, keyring: configuration.keyring, cookies: ServerCookies(now: now()), now: now,
                                       logger: logger)
        responder.requireCookie = configuration.requireCookie
        responder.nsid = configuration.nsid
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
        let tcpCounters = ResponseCounters()
        var allCounters = [tcpCounters]
        var bound: [(udp: UDPListener, tcp: Channel)] = []
        do {
            for (host, port) in [(configuration.host, configuration.port)] + configuration.additionalAddresses {
                let udpCounters = (0..<System.coreCount).map { _ in ResponseCounters() }
                let udp = try UDPListener(host: host, port: port, responder: responder, limiter: limiter, counters: udpCounters)
                do {
                    bound.append((udp, try await bindTCP(host: host, port: udp.port, responder: responder, counters: tcpCounters)))
                } catch {
                    await udp.stop()
                    throw error
                }
                allCounters += udpCounters
                logger.info("DNS listening", metadata: ["address": "\(host)", "port": "\(udp.port)", "udpThreads": "\(udpCounters.count)"])
            }
        } catch {
            for (udp, tcp) in bound {
                await udp.stop()
                try? await tcp.close()
            }
            throw error
        }
        listeners.withLockedValue { $0 = bound }
        counters.withLockedValue { $0 = allCounters }
        return bound[0].udp.port
    }

    private func bindTCP(host: String, port: Int, responder: QueryResponder, counters: ResponseCounters) async throws -> Channel {
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
            .bind(host: host, port: port).get()
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
        let open = listeners.withLockedValue { listeners in
            defer { listeners = [] }
            return listeners
        }
        for (udp, tcp) in open {
            await udp.stop()
            try? await tcp.close()
        }
    }
}
