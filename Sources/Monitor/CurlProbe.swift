import CCurl
import DNSWire
import Model

/// HTTP, HTTPS and TCP probes as libcurl transfers: how to set one up, and what its outcome means.
enum CurlProbe {
    /// Sets `easy` up to probe `target`. HTTP(S) connects to the endpoint while the URL, Host header,
    /// SNI and certificate check use the monitor's `host` (`CURLOPT_CONNECT_TO`, which is per transfer;
    /// `CURLOPT_RESOLVE` would go into the multi handle's shared DNS cache, where two endpoints of one
    /// host would overwrite each other). TCP connects and stops (`CURLOPT_CONNECT_ONLY`).
    static func configure(_ easy: CurlEasy, for target: ProbeTarget) {
        let monitor = target.monitor
        let endpointHost = urlHost(target.value)
        let host = monitor.host ?? endpointHost
        let port = Int(monitor.port)
        let timeout = max(1, Int(monitor.timeout.millisecondCount))

        switch monitor.protocol {
        case .http, .https:
            easy.set(CURLOPT_URL, "\(monitor.protocol.rawValue)://\(host):\(port)\(monitor.path)")
            easy.set(CURLOPT_PROTOCOLS_STR, monitor.protocol.rawValue)
            easy.set(CURLOPT_USERAGENT, "switchyard-monitor")
            easy.set(CURLOPT_FOLLOWLOCATION, 0)
            easy.body.reset(expecting: monitor.expectBody.map { Array($0.utf8) })
            _ = ccurl_setopt_data_callback(easy.handle, CURLOPT_WRITEFUNCTION, BodySink.write)
            _ = ccurl_setopt_ptr(easy.handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(easy.body).toOpaque())
            if monitor.protocol == .https {
                easy.set(CURLOPT_SSL_VERIFYPEER, monitor.tlsVerify ? 1 : 0)
                easy.set(CURLOPT_SSL_VERIFYHOST, monitor.tlsVerify ? 2 : 0)
                if let caFile = monitor.caFile { easy.set(CURLOPT_CAINFO, caFile) }
            }
        case .tcp:
            easy.set(CURLOPT_URL, "http://\(host):\(port)/")
            easy.set(CURLOPT_CONNECT_ONLY, 1)
        case .udp:
            preconditionFailure("udp probes do not use libcurl")
        }
        if host != endpointHost {
            easy.connectTo = curl_slist_append(nil, "\(host):\(port):\(endpointHost):\(port)")
            _ = ccurl_setopt_slist(easy.handle, CURLOPT_CONNECT_TO, easy.connectTo)
        }
        // Every probe opens its own connection: a kept-alive one would hide a server that stopped
        // accepting, and a probe must see what a new client sees.
        easy.set(CURLOPT_FRESH_CONNECT, 1)
        easy.set(CURLOPT_FORBID_REUSE, 1)
        easy.set(CURLOPT_NOPROXY, "*")  // health is about the endpoint, never a proxy from the environment
        easy.set(CURLOPT_NOSIGNAL, 1)
        easy.set(CURLOPT_TIMEOUT_MS, timeout)
        easy.set(CURLOPT_CONNECTTIMEOUT_MS, timeout)
        _ = ccurl_setopt_ptr(easy.handle, CURLOPT_ERRORBUFFER, easy.errorBuffer)
    }

    /// The probe's outcome from the transfer's result code, status and body.
    static func result(of easy: CurlEasy, code: CURLcode, for target: ProbeTarget) -> ProbeResult {
        let monitor = target.monitor
        let latency = Duration.microseconds(easy.infoOffset(CURLINFO_TOTAL_TIME_T))
        let body = easy.body
        let transferOK = code == CURLE_OK || (code == CURLE_WRITE_ERROR && body.stoppedEarly)
        guard transferOK else {
            return ProbeResult(isSuccess: false, detail: easy.errorText(code), latency: latency)
        }
        if monitor.protocol == .tcp {
            return ProbeResult(isSuccess: true, detail: "connected", latency: latency)
        }
        let status = easy.info(CURLINFO_RESPONSE_CODE)
        let accepted = monitor.expectStatus.isEmpty ? [StatusMatch.range(2)] : monitor.expectStatus
        guard accepted.contains(where: { $0.matches(status) }) else {
            let allowed = accepted.map(\.description).joined(separator: ", ")
            return ProbeResult(isSuccess: false, detail: "HTTP \(status), expected \(allowed)", latency: latency)
        }
        if let expected = monitor.expectBody, !body.found {
            let read = body.received > BodySink.limit ? "the first \(BodySink.limit) bytes" : "\(body.received) bytes"
            return ProbeResult(isSuccess: false, detail: "HTTP \(status), body (\(read)) does not contain \"\(expected)\"",
                               latency: latency)
        }
        return ProbeResult(isSuccess: true, detail: "HTTP \(status)", latency: latency)
    }

    /// The endpoint as a URL host: IPv6 in brackets.
    static func urlHost(_ value: EndpointValue) -> String {
        switch value {
        case .address(.v6(let address)): "[\(address)]"
        case .address(.v4(let address)): address.description
        case .target(let name): name.description.hasSuffix(".") ? String(name.description.dropLast()) : name.description
        }
    }
}
