import Foundation
import Model

/// The admin API's JSON bodies (`formatVersion: 1`): what the controller serves and the CLI reads.
/// Routes: `GET /v1/state`, `POST /v1/apply`, `GET /v1/health`, `GET /v1/events?since=&limit=`,
/// `GET /metrics`, `GET /healthz`, `GET /`. Every error is a `Failure`.
public enum AdminAPI {
    public struct State: Codable, Sendable {
        public var formatVersion = 1
        /// 0 before the first apply.
        public var generation: Int
        public var revision: String?
        public var appliedAt: String?
        public var checksum: String?
        public var sources: [SourceFile]
        public var health: [EndpointHealth]
        public var serving: [Serving]
        /// The last reconcile that failed (invalid manifests, a refused plan, git, the store), while it
        /// is still failing.
        public var lastError: ReconcileError?
        /// Every zone served (catalogs included) with its serial; absent from controllers before zone
        /// versions existed.
        public var zones: [ZoneSerial]?
        /// In a fleet: this node's name and its peers.
        public var node: String?
        public var peers: [Peer]?
        /// Each RRset pushed to a Target: what it should hold now and what the last push or read found.
        public var targets: [TargetRRset]?

        public init(generation: Int, revision: String?, appliedAt: String?, checksum: String?, sources: [SourceFile],
                    health: [EndpointHealth], serving: [Serving], lastError: ReconcileError?, zones: [ZoneSerial] = [],
                    node: String? = nil, peers: [Peer]? = nil, targets: [TargetRRset]? = nil) {
            self.targets = targets
            self.generation = generation
            self.revision = revision
            self.appliedAt = appliedAt
            self.checksum = checksum
            self.sources = sources
            self.health = health
            self.serving = serving
            self.lastError = lastError
            self.zones = zones
            self.node = node
            self.peers = peers
        }
    }

    /// One RRset a policy pushes to a Target (a DNS server we do not run).
    public struct TargetRRset: Codable, Sendable, Equatable {
        /// `Target/name`.
        public var target: String
        public var server: String
        public var policy: String
        /// `owner TYPE`.
        public var rrset: String
        /// What the target should hold now (the policy's answer), in presentation form.
        public var holds: String
        /// The last thing a push or read-back found, with its time; nil before the first.
        public var last: String?
        /// The last attempt failed and is being retried.
        public var failing: Bool

        public init(target: String, server: String, policy: String, rrset: String, holds: String, last: String?, failing: Bool) {
            self.target = target
            self.server = server
            self.policy = policy
            self.rrset = rrset
            self.holds = holds
            self.last = last
            self.failing = failing
        }
    }

    public struct ZoneSerial: Codable, Sendable, Equatable {
        /// The zone's manifest name (a catalog zone's own name).
        public var zone: String
        public var serial: UInt32
        /// How many versions back IXFR reaches.
        public var journal: Int
        /// For a signed zone: its key as the parent needs it.
        public var dnssec: ZoneKey?

        public init(zone: String, serial: UInt32, journal: Int, dnssec: ZoneKey? = nil) {
            self.zone = zone
            self.serial = serial
            self.journal = journal
            self.dnssec = dnssec
        }
    }

    /// A signed zone's key, public parts only, in presentation form.
    public struct ZoneKey: Codable, Sendable, Equatable {
        public var keyTag: Int
        public var algorithm: Int
        /// `example.com. 3600 IN DNSKEY 257 3 13 …`.
        public var dnskey: String
        /// `example.com. 3600 IN DS 12345 13 2 …` (SHA-256), for the parent.
        public var ds: String

        public init(keyTag: Int, algorithm: Int, dnskey: String, ds: String) {
            self.keyTag = keyTag
            self.algorithm = algorithm
            self.dnskey = dnskey
            self.ds = ds
        }
    }

    /// One change of an endpoint's state.
    public struct StateChange: Codable, Sendable, Equatable {
        public var time: String
        public var from: String
        public var to: String

        public init(time: String, from: String, to: String) {
            self.time = time
            self.from = from
            self.to = to
        }
    }

    public struct EndpointHealth: Codable, Sendable {
        public var monitor: String
        public var endpoint: String
        /// In a fleet, the effective state (by quorum); else this controller's verdict.
        public var state: String
        public var since: String?
        public var lastResult: String?
        /// In a fleet: too few fresh locations to decide, so `state` is held from before.
        public var stale: Bool?
        /// In a fleet: every location's own verdict, in fleet order.
        public var locations: [LocationHealth]?
        /// The last few changes of `state` since the controller started, oldest first.
        public var history: [StateChange]?

        public init(monitor: String, endpoint: String, state: String, since: String?, lastResult: String?, stale: Bool? = nil,
                    locations: [LocationHealth]? = nil, history: [StateChange]? = nil) {
            self.history = history
            self.monitor = monitor
            self.endpoint = endpoint
            self.state = state
            self.since = since
            self.lastResult = lastResult
            self.stale = stale
            self.locations = locations
        }
    }

    /// One location's verdict on an endpoint, as this node holds it.
    public struct LocationHealth: Codable, Sendable, Equatable {
        public var node: String
        public var state: String
        public var since: String?
        public var lastResult: String?
        /// Recent enough to count.
        public var fresh: Bool
        /// The node probes with the same monitor definition as this one (else its verdict does not count).
        public var sameDefinition: Bool

        public init(node: String, state: String, since: String?, lastResult: String?, fresh: Bool, sameDefinition: Bool) {
            self.node = node
            self.state = state
            self.since = since
            self.lastResult = lastResult
            self.fresh = fresh
            self.sameDefinition = sameDefinition
        }
    }

    /// A fleet peer as this node sees it.
    public struct Peer: Codable, Sendable, Equatable {
        public var node: String
        /// Its verdicts were pulled within the staleness bound.
        public var fresh: Bool
        /// The last successful pull, and the error of the last one when it failed.
        public var lastPull: String?
        public var error: String?
        public var revision: String?
        public var generation: Int?

        public init(node: String, fresh: Bool, lastPull: String?, error: String?, revision: String?, generation: Int?) {
            self.node = node
            self.fresh = fresh
            self.lastPull = lastPull
            self.error = error
            self.revision = revision
            self.generation = generation
        }
    }

    /// `GET /v1/verdicts`: this node's own verdicts (not the fleet's effective health), for its peers.
    /// Compact, because every peer pulls it every probe interval: times are milliseconds since 1970.
    /// `?instance=I&generation=G&after=N` asks for only the verdicts changed since sequence N of that
    /// instance and generation (`partial`); anything else gets every verdict.
    public struct Verdicts: Codable, Sendable, Equatable {
        public struct Monitor: Codable, Sendable, Equatable {
            public var name: String
            /// `Monitor.probeFingerprint`: verdicts count only between nodes that probe alike.
            public var definition: String
            public var endpoints: [Verdict]

            public init(name: String, definition: String, endpoints: [Verdict]) {
                self.name = name
                self.definition = definition
                self.endpoints = endpoints
            }
        }

        public struct Verdict: Codable, Sendable, Equatable {
            public var endpoint: String
            /// `up`, `down` or `unknown`.
            public var state: String
            public var since: Int64?
            /// The last probe: success, what was seen, latency in milliseconds, when.
            public var ok: Bool?
            public var detail: String?
            public var latencyMilliseconds: Double?

            public init(endpoint: String, state: String, since: Int64?, ok: Bool?, detail: String?, latencyMilliseconds: Double?) {
                self.endpoint = endpoint
                self.state = state
                self.since = since
                self.ok = ok
                self.detail = detail
                self.latencyMilliseconds = latencyMilliseconds
            }
        }

        public var formatVersion = 1
        public var node: String
        public var revision: String?
        public var generation: Int
        /// This run of the node: sequences compare only within one.
        public var instance: String
        /// The newest change numbered so far: what to ask `after=` next time.
        public var sequence: UInt64
        /// Only what changed after the `after` asked for, and monitors with a change; else everything.
        public var partial: Bool
        public var monitors: [Monitor]
        /// Fleet events this node has delivered lately (its peers drop their copies), and those it is
        /// still delivering (its peers wait for it while it is fresh).
        public var delivered: [String]
        public var pending: [String]

        public init(node: String, revision: String?, generation: Int, instance: String = "", sequence: UInt64 = 0, partial: Bool = false,
                    monitors: [Monitor], delivered: [String], pending: [String]) {
            self.node = node
            self.revision = revision
            self.generation = generation
            self.instance = instance
            self.sequence = sequence
            self.partial = partial
            self.monitors = monitors
            self.delivered = delivered
            self.pending = pending
        }
    }

    public struct Serving: Codable, Sendable {
        /// `Kind/name`.
        public var policy: String
        public var answer: String
        /// Why, in a few words: the tier and why it serves, how many endpoints are healthy, the failsafe.
        public var reason: String?

        public init(policy: String, answer: String, reason: String? = nil) {
            self.policy = policy
            self.answer = answer
            self.reason = reason
        }
    }

    public struct ReconcileError: Codable, Sendable, Equatable {
        public var time: String
        public var error: String
        public var detail: [String]

        public init(time: String, error: String, detail: [String]) {
            self.time = time
            self.error = error
            self.detail = detail
        }
    }

    public struct ApplyRequest: Codable, Sendable {
        /// The generation the plan was made against: a newer live one refuses the apply (409).
        public var baseGeneration: Int
        public var revision: String?
        /// When set, the plan computed now must have exactly this checksum (409 otherwise).
        public var checksum: String?
        public var force: Bool
        public var sources: [SourceFile]

        public init(baseGeneration: Int, revision: String?, checksum: String?, force: Bool, sources: [SourceFile]) {
            self.baseGeneration = baseGeneration
            self.revision = revision
            self.checksum = checksum
            self.force = force
            self.sources = sources
        }
    }

    public struct ApplyResult: Codable, Sendable, Equatable {
        public var generation: Int
        public var changed: Bool
        public var checksum: String
        public var summary: String

        public init(generation: Int, changed: Bool, checksum: String, summary: String) {
            self.generation = generation
            self.changed = changed
            self.checksum = checksum
            self.summary = summary
        }
    }

    /// Every error's body: what went wrong, then each detail (one problem per line).
    public struct Failure: Codable, Sendable, Error, Equatable {
        public var error: String
        public var detail: [String]?

        public init(error: String, detail: [String]? = nil) {
            self.error = error
            self.detail = detail
        }
    }

    public struct Events: Codable, Sendable {
        /// Oldest first.
        public var events: [Event]

        public init(events: [Event]) {
            self.events = events
        }
    }

    public struct Event: Codable, Sendable {
        public struct Delivery: Codable, Sendable {
            public var notifier: String
            public var channel: String
            /// `pending`, `delivered` or `failed`.
            public var state: String
            public var attempts: Int
            public var lastError: String?
            /// The fleet node that delivered it instead of this one.
            public var deliveredBy: String?

            public init(notifier: String, channel: String, state: String, attempts: Int, lastError: String?, deliveredBy: String? = nil) {
                self.notifier = notifier
                self.channel = channel
                self.state = state
                self.attempts = attempts
                self.lastError = lastError
                self.deliveredBy = deliveredBy
            }
        }

        /// Increases with every event; `since=` pages by it.
        public var sequence: Int
        public var id: String
        public var time: String
        public var kind: String
        public var subject: String
        public var summary: String
        public var deliveries: [Delivery]

        public init(sequence: Int, id: String, time: String, kind: String, subject: String, summary: String,
                    deliveries: [Delivery]) {
            self.sequence = sequence
            self.id = id
            self.time = time
            self.kind = kind
            self.subject = subject
            self.summary = summary
            self.deliveries = deliveries
        }
    }

    /// How many events `GET /v1/events` returns when `limit` is not given, and the most it returns.
    public static let defaultEventLimit = 50
    public static let maximumEventLimit = 1000

    /// `2026-11-21T11:22:53.123Z`: every time in the API.
    public static func iso8601(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
