import AdminAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore

/// What the admin API reads and asks of the controller.
protocol AdminBackend: Sendable {
    /// The live state; the manifests (read from the store) only when `withSources`.
    func state(withSources: Bool) async throws -> AdminAPI.State
    func apply(_ request: AdminAPI.ApplyRequest) async -> Result<AdminAPI.ApplyResult, ApplyFailure>
    /// The newest `limit` events, or with `since` the first `limit` after that sequence number.
    func events(since: Int?, limit: Int) async throws -> AdminAPI.Events
    /// The Prometheus exposition text.
    func metrics() async -> String
    /// This node's own verdicts for its fleet peers (only what changed after `since`, when it can);
    /// nil when it is not in a fleet of several nodes.
    func verdicts(since: VerdictCursor?) async throws -> AdminAPI.Verdicts?
    /// The token fleet peers present (read where the Fleet's `tokenFrom` points), when in a fleet.
    func fleetToken() -> String?
}

/// An API error: its status and JSON body (`{"error": …, "detail": …}`).
struct AdminFailure: Error {
    let status: HTTPResponse.Status
    let body: AdminAPI.Failure
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ error: String, detail: [String]? = nil) {
        self.status = status
        body = AdminAPI.Failure(error: error, detail: detail)
    }

    /// A refused apply: 409 when the plan is out of date, 422 when the manifests or the plan are not
    /// acceptable, 500 when the store failed, 503 while stopping.
    init(_ failure: ApplyFailure) {
        let status: HTTPResponse.Status = switch failure {
        case .stale, .checksumChanged: .conflict
        case .invalid, .refused: .unprocessableContent
        case .store: .internalServerError
        case .shuttingDown: .serviceUnavailable
        }
        self.init(status, failure.message, detail: failure.detail)
    }
}

/// The admin HTTP API on Hummingbird: `GET /v1/state`, `POST /v1/apply`, `GET /v1/health`,
/// `GET /v1/events?since=&limit=`, `GET /v1/verdicts`, `GET /metrics`, `GET /healthz`, `GET /` (status
/// page). Writes need the bearer token; reads need it too when the API listens beyond loopback, except
/// `/healthz`, which a liveness probe calls without one, and `/v1/verdicts`, which always needs the
/// admin token or the fleet's. Every error, unknown routes and methods included, is JSON.
enum AdminRoutes {
    /// The largest request body: a config of a few hundred thousand records.
    static let maximumBody = 64 * 1024 * 1024

    /// Each route and the methods it takes.
    static let routes: [(path: String, method: HTTPRequest.Method)] = [
        ("/healthz", .get), ("/v1/state", .get), ("/v1/health", .get), ("/v1/events", .get), ("/v1/verdicts", .get), ("/v1/apply", .post),
        ("/metrics", .get), ("/", .get),
    ]

    static func router(token: String, readsNeedToken: Bool, backend: some AdminBackend) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrors())
        @Sendable func authorized(_ request: Request, fleet: Bool) -> Bool {
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
            let presented = String(header.dropFirst("Bearer ".count))
            // Both compared every time, so the answer's timing does not tell which token was near.
            let admin = AdminToken.matches(presented, token)
            let peer = fleet ? backend.fleetToken().map { !$0.isEmpty && AdminToken.matches(presented, $0) } ?? false : false
            return admin || peer
        }
        func guarded(write: Bool, fleet: Bool = false, _ handler: @escaping @Sendable (Request) async throws -> Response)
            -> @Sendable (Request, BasicRequestContext) async throws -> Response {
            { request, _ in
                if (write || fleet || readsNeedToken) && !authorized(request, fleet: fleet) {
                    return failure(AdminFailure(.unauthorized, "missing or wrong bearer token",
                                                detail: ["send Authorization: Bearer <token>; the token is in SWITCHYARD_TOKEN, --token-file or <data-dir>/admin.token"]))
                }
                do {
                    return try await handler(request)
                } catch let error as AdminFailure {
                    return failure(error)
                } catch {
                    return failure(AdminFailure(.internalServerError, "the request could not be served", detail: ["\(error)"]))
                }
            }
        }

        router.get("/healthz") { _, _ in text("ok\n") }
        router.get("/v1/state", use: guarded(write: false) { _ in json(try await backend.state(withSources: true)) })
        router.get("/v1/health", use: guarded(write: false) { _ in json(try await backend.state(withSources: false).health) })
        router.get("/v1/events", use: guarded(write: false) { request in
            let query = request.uri.queryParameters
            let since = try query.get("since").map { text in
                guard let value = Int(text), value >= 0 else { throw AdminFailure(.badRequest, "since must be an event sequence number") }
                return value
            }
            let limit = try query.get("limit").map { text in
                guard let value = Int(text), (1...AdminAPI.maximumEventLimit).contains(value) else {
                    throw AdminFailure(.badRequest, "limit must be a number from 1 to \(AdminAPI.maximumEventLimit)")
                }
                return value
            } ?? AdminAPI.defaultEventLimit
            return json(try await backend.events(since: since, limit: limit))
        })
        router.post("/v1/apply", use: guarded(write: true) { request in
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: maximumBody)
            } catch {
                throw AdminFailure(.contentTooLarge, "the request body is over \(maximumBody / 1024 / 1024) MiB")
            }
            let apply: AdminAPI.ApplyRequest
            do {
                apply = try JSONDecoder().decode(AdminAPI.ApplyRequest.self, from: Data(buffer: body))
            } catch {
                throw AdminFailure(.badRequest, "the body is not an apply request", detail: ["\(error)"])
            }
            switch await backend.apply(apply) {
            case .success(let result): return json(result)
            case .failure(let failure): throw AdminFailure(failure)
            }
        })
        router.get("/v1/verdicts", use: guarded(write: false, fleet: true) { request in
            let query = request.uri.queryParameters
            // A cursor that does not parse is no cursor: the whole list is the answer.
            let since = query.get("instance").flatMap { instance in
                query.get("generation").flatMap { Int($0) }.flatMap { generation in
                    query.get("after").flatMap { UInt64($0) }.map { VerdictCursor(instance: String(instance), generation: generation, sequence: $0) }
                }
            }
            guard let verdicts = try await backend.verdicts(since: since) else {
                throw AdminFailure(.notFound, "this controller is not a node of a fleet",
                                   detail: ["a Fleet with several nodes in the manifests, and --node NAME, make it one"])
            }
            return json(verdicts)
        })
        router.get("/metrics", use: guarded(write: false) { _ in text(await backend.metrics(), type: "text/plain; version=0.0.4; charset=utf-8") })
        router.get("/", use: guarded(write: false) { _ in
            let state = try await backend.state(withSources: false)
            let events = try await backend.events(since: nil, limit: StatusPage.eventCount)
            return text(StatusPage.html(state: state, events: events.events), type: "text/html; charset=utf-8")
        })
        return router
    }

    /// With `tls` (PEM certificate chain and key files) the API is served over HTTPS only.
    static func application(host: String, port: Int, token: String, tls: AdminTLS?, backend: some AdminBackend, logger: Logger,
                            onListening: @escaping @Sendable (Int) -> Void) throws -> some ApplicationProtocol {
        let server: HTTPServerBuilder = if let tls {
            try .tls(.http1(), tlsConfiguration: .makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(tls.certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: tls.key, format: .pem))))
        } else {
            .http1()
        }
        return Application(router: router(token: token, readsNeedToken: !isLoopback(host), backend: backend), server: server,
                           configuration: .init(address: .hostname(host, port: port), serverName: "switchyard"),
                           onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) }, logger: logger)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{\"error\":\"cannot encode the response\"}".utf8)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func failure(_ failure: AdminFailure) -> Response { json(failure.body, status: failure.status, headers: failure.headers) }

    private static func text(_ text: String, type: String = "text/plain; charset=utf-8") -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Turns Hummingbird's own errors (an unknown route, a method a route does not take) into the API's
/// JSON errors: 404 naming the routes there are, 405 with `Allow`.
private struct JSONErrors: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let path = request.uri.path
            let allowed = AdminRoutes.routes.filter { $0.path == path }.map(\.method)
            guard error.status == .notFound else {
                return AdminRoutes.failure(AdminFailure(error.status, error.body ?? error.status.reasonPhrase))
            }
            guard !allowed.isEmpty else {
                return AdminRoutes.failure(AdminFailure(.notFound, "no such route: \(request.method) \(path)",
                                                        detail: ["routes: " + AdminRoutes.routes.map { "\($0.method) \($0.path)" }.joined(separator: ", ")]))
            }
            var failure = AdminFailure(.methodNotAllowed, "\(request.method) is not allowed on \(path)",
                                       detail: ["allowed: " + allowed.map(\.rawValue).joined(separator: ", ")])
            failure.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
            return AdminRoutes.failure(failure)
        }
    }
}
