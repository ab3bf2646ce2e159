import Model

extension DocumentDecoder {
    static let monitorFields = ["protocol", "port", "path", "host", "expectStatus", "expectBody", "interval", "timeout",
                                "failureThreshold", "successThreshold", "tlsVerify", "caFile", "send", "expect", "quorum", "from",
                                "staleAfter"]
    /// Fields that only make sense for some protocols.
    private static let protocolFields: [String: Set<Monitor.ProbeProtocol>] = [
        "path": [.http, .https], "host": [.http, .https], "expectStatus": [.http, .https], "expectBody": [.http, .https],
        "tlsVerify": [.https], "caFile": [.https], "send": [.udp], "expect": [.udp],
    ]

    /// `fleet`: the config's Fleet, which `quorum` and `from` are checked against (`fleetFailed`: there is
    /// one, but it has errors of its own).
    mutating func decodeMonitor(_ document: ManifestDocument, fleet: Fleet? = nil, fleetFailed: Bool = false) -> Monitor? {
        guard let spec = fields(document.spec, "spec", allowed: Self.monitorFields) else { return nil }
        guard let protocolNode = required(spec, "protocol", "one of \"tcp\", \"udp\", \"http\" or \"https\""),
              let proto = choice(protocolNode, spec.path("protocol"), "protocol", Monitor.ProbeProtocol.self) else { return nil }
        for (key, protocols) in Self.protocolFields.sorted(by: { $0.key < $1.key }) where spec.has(key) && !protocols.contains(proto) {
            error(spec[key]!, spec.path(key), "\"\(key)\" does not apply to a \(proto.rawValue) monitor",
                  allowed: "it applies to \(quotedList(protocols.map(\.rawValue).sorted())) monitors")
        }

        let defaultPort: Int? = switch proto {
        case .http: 80
        case .https: 443
        case .tcp, .udp: nil
        }
        var port = defaultPort
        if let node = spec["port"] {
            port = integer(node, spec.path("port"), "port", 1...65535)
        } else if defaultPort == nil {
            error(at: location(spec.position), spec.path, "missing field \"port\"", allowed: "a \(proto.rawValue) monitor needs a port from 1 to 65535")
        }
        var path = "/"
        if let node = spec["path"], let text = text(node, spec.path("path"), "an HTTP path such as /health") {
            if text.hasPrefix("/") && !text.contains(where: { $0.isWhitespace }) {
                path = text
            } else {
                error(node, spec.path("path"), "invalid path \"\(text)\"", allowed: "expected an absolute path without spaces, such as /health")
            }
        }
        let host = spec["host"].flatMap { text($0, spec.path("host"), "a host name for the Host header and TLS SNI") }
        let expectStatus = spec["expectStatus"].map { decodeStatuses($0, spec.path("expectStatus")) } ?? []
        let expectBody = spec["expectBody"].flatMap { text($0, spec.path("expectBody"), "a substring the body must contain") }
        let interval = spec["interval"].map { duration($0, spec.path("interval"), "interval", .seconds(1)...(.seconds(86400))) }
            ?? .seconds(10)
        let timeout = spec["timeout"].map { duration($0, spec.path("timeout"), "timeout", .milliseconds(100)...(.seconds(3600))) }
            ?? .seconds(2)
        if let interval, let timeout, timeout >= interval {
            error(spec["timeout"] ?? spec["interval"] ?? document.spec, spec.path(spec.has("timeout") ? "timeout" : "interval"),
                  "timeout \(format(timeout)) is not below the interval \(format(interval))",
                  allowed: "a probe must finish before the next one starts")
        }
        let failureThreshold = spec["failureThreshold"].map { integer($0, spec.path("failureThreshold"), "failureThreshold", 1...100) } ?? 3
        let successThreshold = spec["successThreshold"].map { integer($0, spec.path("successThreshold"), "successThreshold", 1...100) } ?? 2
        let tlsVerify = spec["tlsVerify"].map { boolean($0, spec.path("tlsVerify")) } ?? true
        let caFile = spec["caFile"].flatMap { text($0, spec.path("caFile"), "the path of a PEM file") }
        let send = spec["send"].flatMap { text($0, spec.path("send"), "the payload to send") }.map { Array($0.utf8) }
        let expect = spec["expect"].flatMap { text($0, spec.path("expect"), "a substring the reply must contain") }.map { Array($0.utf8) }
        if proto == .udp && !spec.has("send") {
            error(at: location(spec.position), spec.path, "missing field \"send\"", allowed: "a udp monitor sends a payload and waits for a reply")
        }
        if tlsVerify == false && proto == .https {
            warning(spec["tlsVerify"]!, spec.path("tlsVerify"), "certificate checks are off",
                    allowed: "set caFile to trust a private CA instead")
        }
        let (quorum, from, staleAfter) = decodeQuorum(spec, interval: interval, fleet: fleet, fleetFailed: fleetFailed)
        guard let port, let expectStatus, let interval, let timeout, let failureThreshold, let successThreshold, let tlsVerify,
              let quorum, let from, !diagnostics.hasErrors else { return nil }
        return Monitor(name: document.name, protocol: proto, port: UInt16(port), path: path, host: host,
                       expectStatus: expectStatus, expectBody: expectBody, interval: interval, timeout: timeout,
                       failureThreshold: failureThreshold, successThreshold: successThreshold, tlsVerify: tlsVerify,
                       caFile: caFile, send: send, expect: expect, quorum: quorum, from: from, staleAfter: staleAfter)
    }

    /// `quorum` (a number, `majority`, `all` or `any`; no more than the locations that probe), `from`
    /// (node names of the Fleet) and `staleAfter` (at least two intervals).
    private mutating func decodeQuorum(_ spec: Fields, interval: Duration?, fleet: Fleet?, fleetFailed: Bool)
        -> (Quorum?, [String]?, Duration?) {
        var from: [String]? = []
        if let node = spec["from"], let items = list(node, spec.path("from"), "a list of Fleet node names") {
            if fleet == nil && !fleetFailed {
                error(node, spec.path("from"), "\"from\" lists fleet nodes, but no Fleet is defined",
                      allowed: "define a Fleet with its nodes, or leave \"from\" out")
            }
            var names: [String] = []
            for (index, item) in items.enumerated() {
                let path = itemPath(spec.path("from"), index)
                guard let fleet else { continue }
                guard let name = reference(item, path, "fleet node", defined: fleet.nodes.map(\.name)) else { continue }
                if names.contains(name) {
                    error(item, path, "node \"\(name)\" is listed twice", allowed: "each node once")
                } else {
                    names.append(name)
                }
            }
            if items.isEmpty { error(node, spec.path("from"), "no nodes", allowed: "list the nodes that probe, or leave \"from\" out for all") }
            from = !items.isEmpty && names.count == items.count ? names : nil
        }
        let locations = fleet.map { fleet in from.map { $0.isEmpty ? fleet.nodes.count : $0.count } ?? fleet.nodes.count } ?? 1
        var quorum: Quorum? = .majority
        if let node = spec["quorum"] {
            let expected = locations == 1 ? "1, majority, all or any (one location probes)"
                : "a number of locations from 1 to \(locations), majority, all or any"
            switch node.scalarText {
            case "majority": quorum = .majority
            case "all": quorum = .all
            case "any": quorum = .any
            default:
                if let text = node.scalarText, let count = Int(text) {
                    if count < 1 {
                        error(node, spec.path("quorum"), "quorum \(count) is below 1", allowed: "expected \(expected)")
                        quorum = nil
                    } else if count > locations && !fleetFailed {
                        let problem = fleet == nil ? "quorum \(count) needs a Fleet: without one, only this controller probes"
                            : "quorum \(count) is larger than the fleet: \(locations) location\(locations == 1 ? " probes" : "s probe") this monitor"
                        error(node, spec.path("quorum"), problem, allowed: "expected \(expected)")
                        quorum = nil
                    } else {
                        quorum = .count(count)
                    }
                } else {
                    error(node, spec.path("quorum"), "found \(node.kindDescription)", allowed: "expected \(expected)")
                    quorum = nil
                }
            }
        }
        var staleAfter: Duration? = nil
        if let node = spec["staleAfter"] {
            staleAfter = duration(node, spec.path("staleAfter"), "staleAfter", .seconds(1)...(.seconds(7 * 86400)))
            if let staleAfter, let interval, staleAfter < interval * 2 {
                error(node, spec.path("staleAfter"), "staleAfter \(format(staleAfter)) is shorter than two intervals (\(format(interval * 2)))",
                      allowed: "a verdict must be allowed to miss one pull before it stops counting")
            }
        }
        return (quorum, from, staleAfter)
    }

    /// Status codes (`204`) and classes (`2xx`).
    private mutating func decodeStatuses(_ node: YAMLNode, _ path: String) -> [StatusMatch]? {
        let expected = "HTTP status codes from 100 to 599 or classes such as 2xx"
        guard let items = list(node, path, expected) else { return nil }
        var result: [StatusMatch] = []
        var failed = false
        for (index, item) in items.enumerated() {
            guard let text = text(item, itemPath(path, index), expected) else {
                failed = true
                continue
            }
            if let code = Int(text), (100...599).contains(code) {
                result.append(.code(code))
            } else if text.count == 3, text.hasSuffix("xx"), let digit = Int(text.prefix(1)), (1...5).contains(digit) {
                result.append(.range(digit))
            } else {
                error(item, itemPath(path, index), "invalid status \"\(text)\"", allowed: "expected \(expected)")
                failed = true
            }
        }
        return failed ? nil : result
    }
}
