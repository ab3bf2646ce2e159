import CCurl

/// libcurl's process-wide setup, run once before the first handle: `curl_global_init` is not
/// thread-safe, and a Swift static is initialized exactly once.
enum CurlGlobal {
    static let ready: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}

/// One libcurl easy handle with its error buffer, response sink and header list. Used by one thread.
final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>
    let body = BodySink()
    /// `CURLOPT_CONNECT_TO` entries; they must outlive the transfer.
    var connectTo: UnsafeMutablePointer<curl_slist>?

    init?() {
        guard CurlGlobal.ready, let handle = curl_easy_init() else { return nil }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(connectTo)
        errorBuffer.deallocate()
    }

    /// Clears every option (connections and caches stay with the multi handle) for the next probe.
    func reset() {
        curl_easy_reset(handle)
        curl_slist_free_all(connectTo)
        connectTo = nil
        errorBuffer[0] = 0
        body.reset(expecting: nil)
    }

    func set(_ option: CURLoption, _ value: Int) { _ = ccurl_setopt_long(handle, option, value) }
    func set(_ option: CURLoption, _ value: String) { _ = ccurl_setopt_string(handle, option, value) }

    /// The error text libcurl wrote for the last transfer, else the generic text of `code`.
    func errorText(_ code: CURLcode) -> String {
        errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
    }

    func info(_ item: CURLINFO) -> Int {
        var value = 0
        _ = ccurl_getinfo_long(handle, item, &value)
        return value
    }

    func infoOffset(_ item: CURLINFO) -> Int64 {
        var value: curl_off_t = 0
        _ = ccurl_getinfo_off_t(handle, item, &value)
        return Int64(value)
    }
}

/// The body of an HTTP response, read up to a bound and searched for the expected text as it arrives:
/// the transfer stops as soon as the text is found or the bound is reached.
final class BodySink {
    static let limit = 64 * 1024
    private(set) var needle: [UInt8]?
    private(set) var bytes: [UInt8] = []
    private(set) var received = 0
    private(set) var found = false
    /// The sink ended the transfer on purpose (found, or read enough); not a failure of the endpoint.
    private(set) var stoppedEarly = false

    func reset(expecting needle: [UInt8]?) {
        self.needle = needle
        bytes.removeAll(keepingCapacity: true)
        received = 0
        found = false
        stoppedEarly = false
    }

    /// Takes `count` bytes; returns how many were taken (fewer ends the transfer).
    func append(_ data: UnsafeRawBufferPointer) -> Int {
        received += data.count
        guard let needle, !needle.isEmpty else {
            if received > Self.limit { stoppedEarly = true; return 0 }
            return data.count
        }
        let searchFrom = max(0, bytes.count - needle.count + 1)
        bytes.append(contentsOf: data.prefix(Self.limit - bytes.count))
        if bytes[searchFrom...].firstRange(of: needle) != nil {
            found = true
            stoppedEarly = true
            return 0
        }
        if bytes.count >= Self.limit { stoppedEarly = true; return 0 }
        return data.count
    }

    /// The `CURLOPT_WRITEFUNCTION` that feeds the sink passed as `CURLOPT_WRITEDATA`.
    static let write: ccurl_data_cb = { data, size, count, context in
        guard let data, let context else { return 0 }
        let sink = Unmanaged<BodySink>.fromOpaque(context).takeUnretainedValue()
        return sink.append(UnsafeRawBufferPointer(start: data, count: size * count))
    }
}

/// A libcurl multi handle: every HTTP(S) and TCP probe runs in it, on the monitor's one thread.
final class CurlMulti {
    let handle: UnsafeMutableRawPointer

    init?() {
        guard CurlGlobal.ready, let handle = curl_multi_init() else { return nil }
        self.handle = handle
    }

    deinit { curl_multi_cleanup(handle) }

    func add(_ easy: CurlEasy) -> Bool { curl_multi_add_handle(handle, easy.handle) == CURLM_OK }
    func remove(_ easy: CurlEasy) { curl_multi_remove_handle(handle, easy.handle) }

    /// Moves every transfer along as far as it can without waiting.
    func perform() {
        var running: Int32 = 0
        while curl_multi_perform(handle, &running) == CURLM_CALL_MULTI_PERFORM {}
    }

    /// The transfers that finished since the last call, with their result codes.
    func finished() -> [(easy: UnsafeMutableRawPointer, code: CURLcode)] {
        var done: [(UnsafeMutableRawPointer, CURLcode)] = []
        var left: Int32 = 0
        while let message = curl_multi_info_read(handle, &left) {
            if message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle {
                done.append((easy, message.pointee.data.result))
            }
        }
        return done
    }

    /// Waits until a transfer's socket or one of `extra` is ready, `wakeUp` is called, or
    /// `milliseconds` pass (sooner when libcurl has a timeout of its own due).
    func poll(extra: inout [curl_waitfd], milliseconds: Int32) {
        var ready: Int32 = 0
        let count = UInt32(extra.count)
        _ = extra.withUnsafeMutableBufferPointer { curl_multi_poll(handle, $0.baseAddress, count, milliseconds, &ready) }
    }

    /// Ends a `poll` now; callable from any thread.
    func wakeUp() { curl_multi_wakeup(handle) }
}
