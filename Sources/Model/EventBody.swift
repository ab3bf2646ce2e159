/// An event as the store keeps it and the notifier sends it (`schemas/event.schema.json`): a failover
/// event (policy, owner, type, before, after, causes) or a `reconcileFailed` (error, detail).
public struct EventBody: Codable, Hashable, Sendable {
    public struct Cause: Codable, Hashable, Sendable {
        public struct Result: Codable, Hashable, Sendable {
            public var ok: Bool
            public var detail: String
            public var latencyMilliseconds: Double

            public init(ok: Bool, detail: String, latencyMilliseconds: Double) {
                self.ok = ok
                self.detail = detail
                self.latencyMilliseconds = latencyMilliseconds
            }
        }

        public var monitor: String
        public var endpoint: String
        public var from: String
        public var to: String
        public var results: [Result]
        /// In a fleet: every location's verdict when the effective state changed.
        public var locations: [Location]?

        public struct Location: Codable, Hashable, Sendable {
            public var node: String
            public var state: String
            public var since: String?
            public var fresh: Bool
            public var counted: Bool
            public var ok: Bool?
            public var detail: String?
            public var latencyMilliseconds: Double?

            public init(node: String, state: String, since: String?, fresh: Bool, counted: Bool, ok: Bool?, detail: String?,
                        latencyMilliseconds: Double?) {
                self.node = node
                self.state = state
                self.since = since
                self.fresh = fresh
                self.counted = counted
                self.ok = ok
                self.detail = detail
                self.latencyMilliseconds = latencyMilliseconds
            }
        }

        public init(monitor: String, endpoint: String, from: String, to: String, results: [Result], locations: [Location]? = nil) {
            self.monitor = monitor
            self.endpoint = endpoint
            self.from = from
            self.to = to
            self.results = results
            self.locations = locations
        }
    }

    public var id: String
    public var kind: String
    public var time: String
    public var generation: Int
    public var revision: String?
    public var policy: String?
    public var zone: String?
    public var owner: String?
    public var type: String?
    public var region: String?
    public var before: String?
    public var after: String?
    public var causes: [Cause]?
    public var error: String?
    public var detail: [String]?

    public init(id: String, kind: String, time: String, generation: Int, revision: String?, policy: String? = nil,
                zone: String? = nil, owner: String? = nil, type: String? = nil, region: String? = nil, before: String? = nil,
                after: String? = nil, causes: [Cause]? = nil, error: String? = nil, detail: [String]? = nil) {
        self.id = id
        self.kind = kind
        self.time = time
        self.generation = generation
        self.revision = revision
        self.policy = policy
        self.zone = zone
        self.owner = owner
        self.type = type
        self.region = region
        self.before = before
        self.after = after
        self.causes = causes
        self.error = error
        self.detail = detail
    }
}
