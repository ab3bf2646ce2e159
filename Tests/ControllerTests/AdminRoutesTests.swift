import AdminAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Controller

/// The admin API's contract, routed in process: tokens, JSON errors for everything (unknown routes and
/// methods included), `/healthz` open to liveness probes, apply failures mapped to their status.
@Suite("Admin API routes")
struct AdminRoutesTests {
    /// Answers every apply with `failure`, and events with one page saying what was asked.
    struct Backend: AdminBackend {
        var failure: ApplyFailure = .stale(planned: 1, live: 2)
        /// A fleet node's token; nil: not in a fleet.
        var peerToken: String? = nil

        func state(withSources: Bool) async throws -> AdminAPI.State {
            AdminAPI.State(generation: 3, revision: nil, appliedAt: nil, checksum: nil, sources: [], health: [], serving: [], lastError: nil)
        }

        func apply(_ request: AdminAPI.ApplyRequest) async -> Result<AdminAPI.ApplyResult, ApplyFailure> { .failure(failure) }

        func events(since: Int?, limit: Int) async throws -> AdminAPI.Events {
            AdminAPI.Events(events: [AdminAPI.Event(sequence: since ?? -1, id: "asked", time: "", kind: "limit \(limit)", subject: "",
                                                    summary: "", deliveries: [])])
        }

        func metrics() async -> String { "" }

        func verdicts(since: VerdictCursor?) async throws -> AdminAPI.Verdicts? {
            guard peerToken != nil else { return nil }
            return AdminAPI.Verdicts(node: "fra", revision: "r1", generation: 3, monitors: [
                .init(name: "web", definition: "0123456789abcdef", endpoints: [
                    .init(endpoint: "192.0.2.1", state: "down", since: 1_800_000_000_000, ok: false, detail: "timeout", latencyMilliseconds: 2000),
                ]),
            ], delivered: ["e1"], pending: [])
        }

        func fleetToken() -> String? { peerToken }
    }

    static let token = "secret-token"

    static func test(readsNeedToken: Bool, backend: Backend = Backend(),
                     _ body: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        let application = Application(router: AdminRoutes.router(token: token, readsNeedToken: readsNeedToken, backend: backend))
        try await application.test(.router) { client in try await body(client) }
    }

    static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
    }

    static let authorized: HTTPFields = [.authorization: "Bearer \(token)"]

    @Test func healthzNeedsNoTokenEvenWhereReadsDo() async throws {
        try await Self.test(readsNeedToken: true) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ok\n")
            }
            try await client.execute(uri: "/v1/state", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(Self.json(response)["error"] as? String == "missing or wrong bearer token")
            }
            try await client.execute(uri: "/v1/state", method: .get, headers: Self.authorized) { response in
                #expect(response.status == .ok)
                #expect(Self.json(response)["generation"] as? Int == 3)
            }
        }
    }

    /// Verdicts go to fleet peers (their token) and to the admin (its token), always with one, even on
    /// loopback; a controller outside a fleet has none to give.
    @Test func verdictsNeedTheFleetOrTheAdminToken() async throws {
        try await Self.test(readsNeedToken: false, backend: Backend(peerToken: "fleet-token")) { client in
            try await client.execute(uri: "/v1/verdicts", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/verdicts", method: .get, headers: [.authorization: "Bearer fleet-tokeN"]) { response in
                #expect(response.status == .unauthorized)
            }
            for token in ["fleet-token", Self.token] {
                try await client.execute(uri: "/v1/verdicts", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                    #expect(response.status == .ok)
                    let verdicts = try JSONDecoder().decode(AdminAPI.Verdicts.self, from: Data(buffer: response.body))
                    #expect(verdicts.node == "fra")
                    #expect(verdicts.monitors.first?.endpoints.first?.state == "down")
                    #expect(verdicts.delivered == ["e1"])
                }
            }
            // The fleet token opens nothing else.
            try await client.execute(uri: "/v1/apply", method: .post, headers: [.authorization: "Bearer fleet-token"]) { response in
                #expect(response.status == .unauthorized)
            }
        }
        try await Self.test(readsNeedToken: false) { client in
            try await client.execute(uri: "/v1/verdicts", method: .get, headers: Self.authorized) { response in
                #expect(response.status == .notFound)
                #expect(Self.json(response)["error"] as? String == "this controller is not a node of a fleet")
            }
        }
    }

    @Test func unknownRoutesAndMethodsAreJSONErrors() async throws {
        try await Self.test(readsNeedToken: false) { client in
            try await client.execute(uri: "/v2/state", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/json")
                #expect(Self.json(response)["error"] as? String == "no such route: GET /v2/state")
                #expect((Self.json(response)["detail"] as? [String])?.first?.hasPrefix("routes: GET /healthz, GET /v1/state") == true)
            }
            try await client.execute(uri: "/v1/apply", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
                #expect(Self.json(response)["error"] as? String == "GET is not allowed on /v1/apply")
            }
            try await client.execute(uri: "/v1/state", method: .delete, headers: Self.authorized) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET")
            }
        }
    }

    @Test func eventsTakeSinceAndLimitWithinBounds() async throws {
        try await Self.test(readsNeedToken: false) { client in
            try await client.execute(uri: "/v1/events", method: .get) { response in
                let first = (Self.json(response)["events"] as? [[String: Any]])?.first
                #expect(first?["sequence"] as? Int == -1 && first?["kind"] as? String == "limit \(AdminAPI.defaultEventLimit)")
            }
            try await client.execute(uri: "/v1/events?since=7&limit=20", method: .get) { response in
                let first = (Self.json(response)["events"] as? [[String: Any]])?.first
                #expect(first?["sequence"] as? Int == 7 && first?["kind"] as? String == "limit 20")
            }
            for bad in ["since=-1", "since=x", "limit=0", "limit=1001"] {
                try await client.execute(uri: "/v1/events?\(bad)", method: .get) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                    #expect(Self.json(response)["error"] != nil, "\(bad)")
                }
            }
        }
    }

    @Test(arguments: [
        (ApplyFailure.stale(planned: 1, live: 2), HTTPResponse.Status.conflict),
        (.checksumChanged(reviewed: "a", planned: "b"), .conflict),
        (.invalid(["all.yaml:1:1: error: …"]), .unprocessableContent),
        (.refused([.zoneDeleted(zone: "example.test", records: 3)]), .unprocessableContent),
        (.store("disk I/O error"), .internalServerError),
        (.shuttingDown, .serviceUnavailable),
    ])
    func applyFailuresKeepTheirStatusAndDetail(_ failure: ApplyFailure, _ status: HTTPResponse.Status) async throws {
        let request = try JSONEncoder().encode(AdminAPI.ApplyRequest(baseGeneration: 1, revision: nil, checksum: nil, force: false, sources: []))
        try await Self.test(readsNeedToken: false, backend: Backend(failure: failure)) { client in
            try await client.execute(uri: "/v1/apply", method: .post, body: ByteBuffer(bytes: request)) { response in
                #expect(response.status == .unauthorized, "writes always need the token")
            }
            try await client.execute(uri: "/v1/apply", method: .post, headers: Self.authorized, body: ByteBuffer(bytes: request)) { response in
                #expect(response.status == status)
                #expect(Self.json(response)["error"] as? String == failure.message)
                #expect(Self.json(response)["detail"] as? [String] == failure.detail)
            }
            try await client.execute(uri: "/v1/apply", method: .post, headers: Self.authorized, body: ByteBuffer(string: "{")) { response in
                #expect(response.status == .badRequest)
                #expect(Self.json(response)["error"] as? String == "the body is not an apply request")
            }
        }
    }
}
