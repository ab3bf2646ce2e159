import Foundation
import Model

/// Where a controller's admin API is and how to authenticate to it. It hands out a reader (all that a
/// plan, `status` or `events` gets) and, only when asked, a writer: a dry run never holds one.
public struct AdminConnection: Sendable {
    let base: String
    let token: String?
    let caFile: String?

    /// `server` is the API's base URL (`http://127.0.0.1:8053`); `token` the bearer token, if any;
    /// `caFile` a PEM bundle to verify an https server against instead of the system's.
    public init(server: String, token: String?, caFile: String? = nil) {
        base = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.token = token
        self.caFile = caFile
    }

    public var reader: AdminReader { AdminReader(connection: self) }

    /// The one way to change the controller's config.
    public func writer() -> AdminWriter { AdminWriter(connection: self) }

    /// An error from the API (with its `{"error", "detail"}`), or a controller that cannot be reached.
    public struct Failure: Error, CustomStringConvertible {
        /// The HTTP status, 0 when there was no answer.
        public let status: Int
        public let message: String
        public let detail: [String]
        public var description: String { ([message] + detail.map { "  \($0)" }).joined(separator: "\n") }
    }

    func send<Response: Decodable>(_ method: String, _ path: String, body: Data? = nil, as type: Response.Type) async throws -> Response {
        guard base.hasPrefix("http://") || base.hasPrefix("https://"), URL(string: base + path) != nil else {
            throw Failure(status: 0, message: "--server \(base) is not an http:// or https:// URL", detail: [])
        }
        let headers = token.map { ["Authorization: Bearer \($0)"] } ?? []
        let data: Data
        let status: Int
        switch await HTTPTransfer.send(method, url: base + path, headers: headers, body: body, caFile: caFile, timeout: .seconds(120)) {
        case .success(let response):
            (data, status) = (response.body, response.status)
        case .failure(let failure):
            throw Failure(status: 0, message: "cannot reach the controller at \(base): \(failure.message)",
                          detail: ["start it with `switchyard controller`, or pass --server (and --ca-file for a private CA)"])
        }
        guard (200..<300).contains(status) else {
            let failure = try? JSONDecoder().decode(AdminAPI.Failure.self, from: data)
            throw Failure(status: status, message: "the controller answered \(status): \(failure?.error ?? String(decoding: data, as: UTF8.self))",
                          detail: failure?.detail ?? [])
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw Failure(status: status, message: "the controller's answer is not what this CLI expects: \(error)", detail: [])
        }
    }
}

/// The admin API's reads.
public struct AdminReader: Sendable {
    let connection: AdminConnection

    /// `GET /v1/state`: the live generation with its manifests, health, what is served, the last error.
    public func state() async throws -> AdminAPI.State {
        try await connection.send("GET", "/v1/state", as: AdminAPI.State.self)
    }

    /// `GET /v1/events`: the newest `limit` events, or with `since` the first `limit` after that
    /// sequence number; oldest first either way.
    public func events(since: Int? = nil, limit: Int? = nil) async throws -> AdminAPI.Events {
        let query = [since.map { "since=\($0)" }, limit.map { "limit=\($0)" }].compactMap { $0 }.joined(separator: "&")
        return try await connection.send("GET", "/v1/events" + (query.isEmpty ? "" : "?" + query), as: AdminAPI.Events.self)
    }
}

/// `POST /v1/apply`.
public struct AdminWriter: Sendable {
    let connection: AdminConnection

    public func apply(_ request: AdminAPI.ApplyRequest) async throws -> AdminAPI.ApplyResult {
        try await connection.send("POST", "/v1/apply", body: try JSONEncoder().encode(request), as: AdminAPI.ApplyResult.self)
    }
}
