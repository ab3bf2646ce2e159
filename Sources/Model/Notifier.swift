/// Where failover events go: email and/or a webhook.
public struct Notifier: Hashable, Sendable {
    /// The events a notifier can subscribe to.
    public enum Event: String, CaseIterable, Hashable, Sendable, Comparable {
        case failover, failback, allDown, recovered, reconcileFailed
        /// The live config was not the manifests' (applied from elsewhere) and was put back; or a
        /// target held records we did not write, and they were replaced.
        case drift
        /// A target took a policy's new answer (with what it answers after), or failed to.
        case targetPushed, targetFailed
        public static func < (lhs: Event, rhs: Event) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public enum StartTLS: String, CaseIterable, Hashable, Sendable {
        case none, optional, required
    }

    public struct Email: Hashable, Sendable {
        /// `smtp://host:port` or `smtps://host:port`.
        public var url: String
        public var startTLS: StartTLS
        public var from: String
        public var to: [String]
        public var username: SecretReference?
        public var password: SecretReference?
        /// A PEM bundle to verify the server's TLS certificate against instead of the system's.
        public var caFile: String?

        public init(url: String, startTLS: StartTLS = .optional, from: String, to: [String],
                    username: SecretReference? = nil, password: SecretReference? = nil, caFile: String? = nil) {
            self.caFile = caFile
            self.url = url
            self.startTLS = startTLS
            self.from = from
            self.to = to
            self.username = username
            self.password = password
        }
    }

    public struct Webhook: Hashable, Sendable {
        /// A PEM bundle to verify an https:// receiver against instead of the system's.
        public var caFile: String?
        public var url: String
        /// The HMAC-SHA256 signing secret.
        public var secret: SecretReference?
        /// Extra request headers, in the order written.
        public var headers: [Header]

        public init(url: String, secret: SecretReference? = nil, headers: [Header] = [], caFile: String? = nil) {
            self.caFile = caFile
            self.url = url
            self.secret = secret
            self.headers = headers
        }
    }

    public struct Header: Hashable, Sendable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var name: String
    public var events: Set<Event>
    public var email: Email?
    public var webhook: Webhook?

    public init(name: String, events: Set<Event> = Set(Event.allCases), email: Email? = nil, webhook: Webhook? = nil) {
        self.name = name
        self.events = events
        self.email = email
        self.webhook = webhook
    }
}
