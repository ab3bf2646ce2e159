import AdminAPI
import Foundation

/// Pulls a fleet peer's verdicts: one GET over libcurl (`HTTPTransfer`), bounded by its timeout and by
/// the size of the body, run on a worker thread.
enum FleetClient {
    /// A verdict list is about 120 bytes an endpoint; this is room for a hundred thousand.
    static let maximumBody = 16 * 1024 * 1024

    /// The body of a 200 response, or what went wrong (never the token).
    static func get(url: String, token: String, caFile: String?, timeout: Duration) -> Result<Data, PullFailure> {
        switch HTTPTransfer.perform("GET", url: url, headers: ["Authorization: Bearer \(token)", "Accept: application/json"],
                                    caFile: caFile, timeout: timeout, maximumBody: maximumBody) {
        case .failure(let failure):
            return .failure(PullFailure(message: failure.message))
        case .success(let response) where response.status == 200:
            return .success(response.body)
        case .success(let response):
            let reason = (try? JSONDecoder().decode(AdminAPI.Failure.self, from: response.body))?.error
            return .failure(PullFailure(message: "HTTP \(response.status)" + (reason.map { ": \($0)" } ?? "")))
        }
    }
}
