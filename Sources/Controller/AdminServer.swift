import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// What the admin API reads and asks of the controller.
protocol AdminBackend: Sendable {
    /// The live state; the manifests (read from the store) only when `withSources`.
    func state(withSources: Bool) -> AdminAPI.State
    func apply(_ request: AdminAPI.ApplyRequest) async -> Result<AdminAPI.ApplyResult, AdminFailure>
    func events(after sequence: Int) throws -> AdminAPI.Events
    /// The Prometheus exposition text.
    var metrics: @Sendable () -> String { get }
}

/// An API error: its status and JSON body (`{"error": …, "detail": …}`).
struct AdminFailure: Error {
    let status: HTTPResponse.Status
    let body: AdminAPI.Failure

    init(_ status: HTTPResponse.Status, _ error: String, detail: [String]? = nil) {
        self.status = status
        body = AdminAPI.Failure(error: error, detail: detail)
    }
}

/// The admin HTTP API (DESIGN.md "Admin API") on Hummingbird: `GET /v1/state`, `POST /v1/apply`,
/// `GET /v1/health`, `GET /v1/events?since=`, `GET /metrics`, `GET /healthz`, `GET /` (status page). Writes need the
/// bearer token; reads need it too when the API listens beyond loopback.
enum AdminServer {
    /// The largest request body: a config of a few hundred thousand records.
    static let maximumBody = 64 * 1024 * 1024

    static func application(host: String, port: Int, token: String, backend: some AdminBackend, logger: Logger,
                            onListening: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let readsNeedToken = !isLoopback(host)
        let router = Router()
        @Sendable func authorized(_ request: Request) -> Bool {
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
            return AdminToken.matches(String(header.dropFirst("Bearer ".count)), token)
        }
        func guarded(write: Bool, _ handler: @escaping @Sendable (Request) async throws -> Response)
            -> @Sendable (Request, BasicRequestContext) async throws -> Response {
            { request, _ in
                if (write || readsNeedToken) && !authorized(request) {
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

        router.get("/healthz", use: guarded(write: false) { _ in text("ok\n") })
        router.get("/v1/state", use: guarded(write: false) { _ in json(backend.state(withSources: true)) })
        router.get("/v1/health", use: guarded(write: false) { _ in json(backend.state(withSources: false).health) })
        router.get("/v1/events", use: guarded(write: false) { request in
            let since = request.uri.queryParameters.get("since").map { Int($0) } ?? 0
            guard let since else { throw AdminFailure(.badRequest, "since must be an event sequence number") }
            return json(try backend.events(after: since))
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
            case .failure(let failure): throw failure
            }
        })
        router.get("/metrics", use: guarded(write: false) { _ in text(backend.metrics(), type: "text/plain; version=0.0.4; charset=utf-8") })
        router.get("/", use: guarded(write: false) { _ in statusPage(backend.state(withSources: false)) })

        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "switchyard"),
                           onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) }, logger: logger)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    private static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{\"error\":\"cannot encode the response\"}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static func failure(_ failure: AdminFailure) -> Response { json(failure.body, status: failure.status) }

    private static func text(_ text: String, type: String = "text/plain; charset=utf-8") -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private static func statusPage(_ state: AdminAPI.State) -> Response {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var html = """
            <!doctype html><meta charset="utf-8"><title>Switchyard</title>
            <style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left}
            .down{color:#b00}.up{color:#070}</style>
            <h1>Switchyard</h1><p>Generation \(state.generation)\(state.revision.map { " · revision " + escape($0) } ?? "")\(state.appliedAt.map { " · applied " + $0 } ?? "")</p>
            """
        if let error = state.lastError {
            html += "<p class=down>Last reconcile failed at \(error.time): \(escape(error.error))</p><pre>\(escape(error.detail.joined(separator: "\n")))</pre>"
        }
        html += "<h2>Serving now</h2><table><tr><th>policy</th><th>answer</th></tr>"
        for serving in state.serving { html += "<tr><td>\(escape(serving.policy))</td><td>\(escape(serving.answer))</td></tr>" }
        html += "</table><h2>Endpoints</h2><table><tr><th>monitor</th><th>endpoint</th><th>state</th><th>last result</th></tr>"
        for endpoint in state.health {
            html += "<tr><td>\(escape(endpoint.monitor))</td><td>\(escape(endpoint.endpoint))</td><td class=\(endpoint.state)>\(endpoint.state)</td>"
                + "<td>\(escape(endpoint.lastResult ?? ""))</td></tr>"
        }
        return text(html + "</table>\n", type: "text/html; charset=utf-8")
    }
}
