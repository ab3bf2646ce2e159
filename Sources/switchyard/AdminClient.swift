import ArgumentParser
import Controller
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `--server`, `--token-file` and `--data-dir`: where the admin API is and how to authenticate.
struct ServerOptions: ParsableArguments {
    @Option(help: "The controller's admin API.")
    var server: String = "http://127.0.0.1:8053"

    @Option(name: .customLong("token-file"), help: "A file holding the admin token (default: SWITCHYARD_TOKEN, else <data-dir>/admin.token).")
    var tokenFile: String?

    @Option(name: .customLong("data-dir"), help: "The controller's data directory, where it writes admin.token.")
    var dataDirectory: String = ".switchyard"

    /// Reads only: all a plan, `status` or `events` gets.
    var reader: AdminReader { AdminReader(client: client) }

    /// The one way to change the controller's config; only an apply makes one.
    func writer() -> AdminWriter { AdminWriter(client: client) }

    private var client: AdminClient {
        AdminClient(base: server.hasSuffix("/") ? String(server.dropLast()) : server,
                    token: AdminToken.find(environment: ProcessInfo.processInfo.environment, tokenFile: tokenFile,
                                           dataDirectory: dataDirectory))
    }
}

/// GET requests to the admin API.
struct AdminReader {
    fileprivate let client: AdminClient

    func get<Response: Decodable>(_ path: String, as type: Response.Type) async throws -> Response {
        try await client.get(path, as: type)
    }
}

/// `POST /v1/apply`. A dry run never holds one.
struct AdminWriter {
    fileprivate let client: AdminClient

    func apply(_ request: AdminAPI.ApplyRequest) async throws -> AdminAPI.ApplyResult {
        try await client.post("/v1/apply", request, as: AdminAPI.ApplyResult.self)
    }
}

/// JSON over HTTP to the admin API; errors carry the server's `{"error", "detail"}`.
private struct AdminClient {
    let base: String
    let token: String?

    struct Failure: Error, CustomStringConvertible {
        let status: Int
        let message: String
        let detail: [String]
        var description: String { ([message] + detail.map { "  \($0)" }).joined(separator: "\n") }
    }

    func get<Response: Decodable>(_ path: String, as type: Response.Type) async throws -> Response {
        try await send(URLRequest(url: try url(path)), as: type)
    }

    func post<Body: Encodable, Response: Decodable>(_ path: String, _ body: Body, as type: Response.Type) async throws -> Response {
        var request = URLRequest(url: try url(path))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONEncoder().encode(body)
        return try await send(request, as: type)
    }

    private func url(_ path: String) throws -> URL {
        guard let url = URL(string: base + path) else { throw Failure(status: 0, message: "--server \(base) is not a URL", detail: []) }
        return url
    }

    private func send<Response: Decodable>(_ request: URLRequest, as type: Response.Type) async throws -> Response {
        var request = request
        request.timeoutInterval = 120
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw Failure(status: 0, message: "cannot reach the controller at \(base): \(error.localizedDescription)",
                          detail: ["start it with `switchyard controller`, or pass --server"])
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
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
