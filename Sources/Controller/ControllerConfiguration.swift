import Authority
import Notify
import Server
import UnixSignals

/// How a controller runs: `switchyard controller`'s flags.
public struct ControllerConfiguration: Sendable {
    public var manifests: [String]
    public var dnsHost: String
    public var dnsPort: Int
    /// More addresses DNS listens on (IPv6 beside IPv4, several interfaces), each with its own port.
    public var additionalDNSListeners: [(host: String, port: Int)] = []
    /// How often git fetches and drift is undone.
    public var interval: Duration
    /// A MaxMind DB for geo regions that match continents and countries.
    public var geoipDatabase: String?
    public var dataDirectory: String
    public var adminHost: String
    public var adminPort: Int
    public var tokenFile: String?
    /// Keep the manifests' git checkout at its upstream, and how; nil: the directory as it is.
    public var gitSync: GitSyncMode?
    /// The longest one git command may take before it is killed.
    public var gitTimeout: Duration
    /// How notifications are retried, and for how long.
    public var notificationRetry: RetryPolicy
    /// More than `flapLimit` events of one policy within `flapWindow` are held back for one summary.
    public var flapLimit: Int
    public var flapWindow: Duration
    /// How long events and finished deliveries are kept.
    public var retain: Duration
    /// How many versions, and how many octets of them, each zone's journal keeps for IXFR.
    public var journal: JournalLimits
    /// Serve the admin API over HTTPS with this certificate chain and key (a fleet node whose admin URL
    /// is https).
    public var adminTLS: AdminTLS?
    /// TCP: connections at most, in all and from one address, and how long one may sit without a query.
    public var tcpMaxConnections: Int
    public var tcpMaxConnectionsPerClient: Int
    public var tcpIdleTimeout: Duration
    /// Response rate limiting of UDP answers.
    public var rateLimit: ResponseRateLimiter.Settings
    /// Answer UDP queries whose COOKIE option has no valid server cookie with BADCOOKIE.
    public var requireCookie = false
    /// The NSID sent to queries that ask for it (RFC 5001); nil sends none.
    public var nsid: [UInt8]? = nil
    /// This node's name in the manifests' Fleet.
    public var node: String?
    /// The signals that begin a graceful shutdown.
    public var shutdownSignals: [UnixSignal]

    public init(manifests: [String], dnsHost: String = "127.0.0.1", dnsPort: Int = 5353, interval: Duration = .seconds(30),
                geoipDatabase: String? = nil, dataDirectory: String = ".switchyard", adminHost: String = "127.0.0.1",
                adminPort: Int = 8053, tokenFile: String? = nil, gitSync: GitSyncMode? = nil, gitTimeout: Duration = .seconds(60),
                notificationRetry: RetryPolicy = RetryPolicy(), flapLimit: Int = 5, flapWindow: Duration = .seconds(600),
                retain: Duration = .seconds(30 * 86_400), journal: JournalLimits = JournalLimits(), node: String? = nil,
                adminTLS: AdminTLS? = nil, rateLimit: ResponseRateLimiter.Settings = ResponseRateLimiter.Settings(),
                tcpMaxConnections: Int = 1024, tcpMaxConnectionsPerClient: Int = 32, tcpIdleTimeout: Duration = .seconds(10),
                shutdownSignals: [UnixSignal] = [.sigterm, .sigint]) {
        self.manifests = manifests
        self.dnsHost = dnsHost
        self.dnsPort = dnsPort
        self.interval = interval
        self.geoipDatabase = geoipDatabase
        self.dataDirectory = dataDirectory
        self.adminHost = adminHost
        self.adminPort = adminPort
        self.tokenFile = tokenFile
        self.gitSync = gitSync
        self.gitTimeout = gitTimeout
        self.notificationRetry = notificationRetry
        self.flapLimit = flapLimit
        self.flapWindow = flapWindow
        self.retain = retain
        self.journal = journal
        self.node = node
        self.adminTLS = adminTLS
        self.rateLimit = rateLimit
        self.tcpMaxConnections = tcpMaxConnections
        self.tcpMaxConnectionsPerClient = tcpMaxConnectionsPerClient
        self.tcpIdleTimeout = tcpIdleTimeout
        self.shutdownSignals = shutdownSignals
    }
}

/// PEM files of the admin API's certificate chain and private key.
public struct AdminTLS: Sendable, Equatable {
    public var certificate: String
    public var key: String

    public init(certificate: String, key: String) {
        self.certificate = certificate
        self.key = key
    }
}
