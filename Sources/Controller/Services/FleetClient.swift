import CCurl
import Foundation

/// Pulls a fleet peer's verdicts: one blocking libcurl GET (the client every outbound request of the
/// controller uses), bounded by its timeout and by the size of the body, run on a worker thread.
enum FleetClient {
    static let ready: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    /// A verdict list is about 100 bytes an endpoint; this is room for a hundred thousand.
    static let maximumBody = 16 * 1024 * 1024

    /// The body of a 200 response, or what went wrong (never the token).
    static func get(url: String, token: String, caFile: String?, timeout: Duration) -> Result<Data, PullFailure> {
        guard ready, let easy = curl_easy_init() else { return .failure(PullFailure(message: "libcurl could not make a handle")) }
        defer { curl_easy_cleanup(easy) }
        var headers: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, "Authorization: Bearer \(token)")
        headers = curl_slist_append(headers, "Accept: application/json")
        defer { curl_slist_free_all(headers) }
        let errors = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        defer { errors.deallocate() }
        errors[0] = 0
        let sink = BodySink(limit: maximumBody)
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        let milliseconds = Int(timeout.millisecondCount)
        _ = ccurl_setopt_string(easy, CURLOPT_URL, url)
        _ = ccurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, headers)
        if let caFile { _ = ccurl_setopt_string(easy, CURLOPT_CAINFO, caFile) }
        _ = ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, milliseconds)
        _ = ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, milliseconds)
        _ = ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
        _ = ccurl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errors)
        _ = ccurl_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION, BodySink.write)
        _ = ccurl_setopt_ptr(easy, CURLOPT_WRITEDATA, unmanaged.toOpaque())
        let code = curl_easy_perform(easy)
        guard code == CURLE_OK else {
            if sink.overflowed { return .failure(PullFailure(message: "the response is over \(maximumBody / 1024 / 1024) MiB")) }
            return .failure(PullFailure(message: errors[0] != 0 ? String(cString: errors) : String(cString: curl_easy_strerror(code))))
        }
        var status = 0
        _ = ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        guard status == 200 else {
            let reason = (try? JSONDecoder().decode(ErrorBody.self, from: sink.data))?.error
            return .failure(PullFailure(message: "HTTP \(status)" + (reason.map { ": \($0)" } ?? "")))
        }
        return .success(sink.data)
    }

    private struct ErrorBody: Decodable {
        var error: String
    }
}

/// Collects a response body up to a limit (beyond it the transfer is stopped).
private final class BodySink {
    var data = Data()
    var overflowed = false
    let limit: Int

    init(limit: Int) { self.limit = limit }

    static let write: ccurl_data_cb = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let sink = Unmanaged<BodySink>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        guard sink.data.count + length <= sink.limit else {
            sink.overflowed = true
            return 0
        }
        sink.data.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length)
        return length
    }
}
