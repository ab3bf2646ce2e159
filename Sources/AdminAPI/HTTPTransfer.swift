import CCurl
import Foundation

/// One blocking HTTP request over libcurl, the client every outbound request of Switchyard uses: the
/// CLI's calls to a controller and a fleet node's pulls of its peers. Bounded by a timeout and by the
/// size of the body; `caFile` verifies a private CA's certificates (https).
public enum HTTPTransfer {
    public struct Response: Sendable {
        public let status: Int
        public let body: Data
    }

    /// What went wrong before a response (never the token or the body).
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    static let ready: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    public static func perform(_ method: String, url: String, headers: [String] = [], body: Data? = nil, caFile: String? = nil,
                               timeout: Duration, maximumBody: Int = 64 * 1024 * 1024) -> Result<Response, Failure> {
        guard ready, let easy = curl_easy_init() else { return .failure(Failure(message: "libcurl could not make a handle")) }
        defer { curl_easy_cleanup(easy) }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for header in headers + (body == nil ? [] : ["Content-Type: application/json"]) { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        let errors = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        defer { errors.deallocate() }
        errors[0] = 0
        let sink = BodySink(limit: maximumBody)
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        let milliseconds = Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        _ = ccurl_setopt_string(easy, CURLOPT_URL, url)
        _ = ccurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = ccurl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method)
        _ = ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, list)
        if let caFile { _ = ccurl_setopt_string(easy, CURLOPT_CAINFO, caFile) }
        _ = ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, milliseconds)
        _ = ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, min(milliseconds, 10_000))
        _ = ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
        _ = ccurl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errors)
        _ = ccurl_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION, BodySink.write)
        _ = ccurl_setopt_ptr(easy, CURLOPT_WRITEDATA, unmanaged.toOpaque())
        let code: CURLcode
        if let body {
            _ = ccurl_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            code = body.withUnsafeBytes { bytes in
                _ = ccurl_setopt_ptr(easy, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                return curl_easy_perform(easy)
            }
        } else {
            code = curl_easy_perform(easy)
        }
        guard code == CURLE_OK else {
            if sink.overflowed { return .failure(Failure(message: "the response is over \(maximumBody / 1024 / 1024) MiB")) }
            return .failure(Failure(message: errors[0] != 0 ? String(cString: errors) : String(cString: curl_easy_strerror(code))))
        }
        var status = 0
        _ = ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return .success(Response(status: status, body: sink.data))
    }

    /// `perform` on a thread of its own, for async callers.
    public static func send(_ method: String, url: String, headers: [String] = [], body: Data? = nil, caFile: String? = nil,
                            timeout: Duration) async -> Result<Response, Failure> {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: perform(method, url: url, headers: headers, body: body, caFile: caFile, timeout: timeout))
            }
        }
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
