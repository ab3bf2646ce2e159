import Foundation
import Store

/// The admin API's JSON bodies (`formatVersion: 1`), shared by the controller and the CLI.
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
        /// The last reconcile that failed (invalid manifests, a refused plan), if the newest attempt failed.
        public var lastError: ReconcileError?
    }

    public struct EndpointHealth: Codable, Sendable {
        public var monitor: String
        public var endpoint: String
        public var state: String
        public var since: String?
        public var lastResult: String?
    }

    public struct Serving: Codable, Sendable {
        public var policy: String
        public var answer: String
    }

    public struct ReconcileError: Codable, Sendable {
        public var time: String
        public var error: String
        public var detail: [String]
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

    public struct ApplyResult: Codable, Sendable {
        public var generation: Int
        public var changed: Bool
        public var checksum: String
        public var summary: String
    }

    public struct Failure: Codable, Sendable, Error {
        public var error: String
        public var detail: [String]?

        public init(error: String, detail: [String]? = nil) {
            self.error = error
            self.detail = detail
        }
    }

    public struct Events: Codable, Sendable {
        public var events: [Event]
    }

    public struct Event: Codable, Sendable {
        public struct Delivery: Codable, Sendable {
            public var notifier: String
            public var channel: String
            public var state: String
            public var attempts: Int
            public var lastError: String?
        }

        public var sequence: Int
        public var id: String
        public var time: String
        public var kind: String
        public var subject: String
        public var summary: String
        public var deliveries: [Delivery]
    }

    static func iso8601(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
