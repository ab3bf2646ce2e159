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

        public init(generation: Int, revision: String?, appliedAt: String?, checksum: String?, sources: [SourceFile],
                    health: [EndpointHealth], serving: [Serving], lastError: ReconcileError?, zones: [ZoneSerial] = []) {
            self.generation = generation
            self.revision = revision
            self.appliedAt = appliedAt
            self.checksum = checksum
            self.sources = sources
            self.health = health
            self.serving = serving
            self.lastError = lastError
            self.zones = zones
        }
    }

    public struct ZoneSerial: Codable, Sendable, Equatable {
        /// The zone's manifest name (a catalog zone's own name).
        public var zone: String
        public var serial: UInt32
        /// How many versions back IXFR reaches.
        public var journal: Int

        public init(zone: String, serial: UInt32, journal: Int) {
            self.zone = zone
            self.serial = serial
            self.journal = journal
        }
    }

    public struct EndpointHealth: Codable, Sendable {
        public var monitor: String
        public var endpoint: String
        public var state: String
        public var since: String?
        public var lastResult: String?

        public init(monitor: String, endpoint: String, state: String, since: String?, lastResult: String?) {
            self.monitor = monitor
            self.endpoint = endpoint
            self.state = state
            self.since = since
            self.lastResult = lastResult
        }
    }

    public struct Serving: Codable, Sendable {
        /// `Kind/name`.
        public var policy: String
        public var answer: String

        public init(policy: String, answer: String) {
            self.policy = policy
            self.answer = answer
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

            public init(notifier: String, channel: String, state: String, attempts: Int, lastError: String?) {
                self.notifier = notifier
                self.channel = channel
                self.state = state
                self.attempts = attempts
                self.lastError = lastError
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
