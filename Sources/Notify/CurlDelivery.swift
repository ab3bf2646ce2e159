import CCurl
import Foundation
import Model

/// One blocking libcurl transfer per delivery, run on a worker thread (never on DNS or monitor threads),
/// each bounded by its timeout, so a receiver that is down delays nothing else.
enum CurlDelivery {
    static let ready: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// POSTs `body`; nil on a 2xx, else what went wrong.
    static func post(url: String, body: Data, headers: [(name: String, value: String)], caFile: String?, timeout: Duration) -> String? {
        guard ready, let easy = curl_easy_init() else { return "libcurl could not make a handle" }
        defer { curl_easy_cleanup(easy) }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for header in headers { list = curl_slist_append(list, "\(header.name): \(header.value)") }
        defer { curl_slist_free_all(list) }
        let errors = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        defer { errors.deallocate() }
        errors[0] = 0
        _ = ccurl_setopt_string(easy, CURLOPT_URL, url)
        _ = ccurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, list)
        _ = ccurl_setopt_long(easy, CURLOPT_POST, 1)
        if let caFile { _ = ccurl_setopt_string(easy, CURLOPT_CAINFO, caFile) }
        _ = ccurl_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
        _ = ccurl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errors)
        configureCommon(easy, timeout: timeout)
        _ = ccurl_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION, { _, size, count, _ in size * count })
        let code = body.withUnsafeBytes { bytes -> CURLcode in
            _ = ccurl_setopt_ptr(easy, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            return curl_easy_perform(easy)
        }
        guard code == CURLE_OK else { return describe(code, errors) }
        var status = 0
        _ = ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return (200..<300).contains(status) ? nil : "HTTP \(status)"
    }

    /// Sends `message` by SMTP; nil when the server took it, else what went wrong.
    static func sendMail(url: String, startTLS: String, from: String, to: [String], username: String?, password: String?,
                         caFile: String?, message: String, timeout: Duration) -> String? {
        guard ready, let easy = curl_easy_init() else { return "libcurl could not make a handle" }
        defer { curl_easy_cleanup(easy) }
        var recipients: UnsafeMutablePointer<curl_slist>? = nil
        for address in to { recipients = curl_slist_append(recipients, "<\(address)>") }
        defer { curl_slist_free_all(recipients) }
        let errors = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        defer { errors.deallocate() }
        errors[0] = 0
        _ = ccurl_setopt_string(easy, CURLOPT_URL, url)
        _ = ccurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        _ = ccurl_setopt_string(easy, CURLOPT_MAIL_FROM, "<\(from)>")
        _ = ccurl_setopt_slist(easy, CURLOPT_MAIL_RCPT, recipients)
        let tls: Int = switch startTLS {
        case "required": Int(CURLUSESSL_ALL.rawValue)
        case "optional": Int(CURLUSESSL_TRY.rawValue)
        default: Int(CURLUSESSL_NONE.rawValue)
        }
        _ = ccurl_setopt_long(easy, CURLOPT_USE_SSL, tls)
        if let caFile { _ = ccurl_setopt_string(easy, CURLOPT_CAINFO, caFile) }
        if let username { _ = ccurl_setopt_string(easy, CURLOPT_USERNAME, username) }
        if let password { _ = ccurl_setopt_string(easy, CURLOPT_PASSWORD, password) }
        _ = ccurl_setopt_long(easy, CURLOPT_UPLOAD, 1)
        _ = ccurl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errors)
        configureCommon(easy, timeout: timeout)
        let source = MessageSource(Array(message.utf8))
        let unmanaged = Unmanaged.passRetained(source)
        defer { unmanaged.release() }
        _ = ccurl_setopt_data_callback(easy, CURLOPT_READFUNCTION, MessageSource.read)
        _ = ccurl_setopt_ptr(easy, CURLOPT_READDATA, unmanaged.toOpaque())
        let code = curl_easy_perform(easy)
        return code == CURLE_OK ? nil : describe(code, errors)
    }

    private static func configureCommon(_ easy: UnsafeMutableRawPointer, timeout: Duration) {
        let milliseconds = Int(timeout.millisecondCount)
        _ = ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, milliseconds)
        _ = ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, milliseconds)
        _ = ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
    }

    private static func describe(_ code: CURLcode, _ errors: UnsafeMutablePointer<CChar>) -> String {
        errors[0] != 0 ? String(cString: errors) : String(cString: curl_easy_strerror(code))
    }
}

/// The message an SMTP upload reads, in pieces as libcurl asks.
private final class MessageSource {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static let read: ccurl_data_cb = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let source = Unmanaged<MessageSource>.fromOpaque(context).takeUnretainedValue()
        let length = min(size * count, source.bytes.count - source.offset)
        source.bytes.withUnsafeBufferPointer { all in
            UnsafeMutableRawPointer(buffer).copyMemory(from: all.baseAddress! + source.offset, byteCount: length)
        }
        source.offset += length
        return length
    }
}
