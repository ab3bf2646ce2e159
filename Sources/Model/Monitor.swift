/// How to probe an endpoint and when to call it healthy or not.
public struct Monitor: Hashable, Sendable {
    public enum ProbeProtocol: String, CaseIterable, Hashable, Sendable {
        case tcp, udp, http, https
    }

    public var name: String
    public var `protocol`: ProbeProtocol
    public var port: UInt16
    /// HTTP(S) request path.
    public var path: String
    /// Host header and TLS SNI for HTTP(S); the endpoint's address is what is connected to.
    public var host: String?
    /// Accepted HTTP status codes; empty means 2xx.
    public var expectStatus: [StatusMatch]
    /// A substring the HTTP body must contain.
    public var expectBody: String?
    public var interval: Duration
    public var timeout: Duration
    public var failureThreshold: Int
    public var successThreshold: Int
    public var tlsVerify: Bool
    /// A PEM bundle to verify HTTPS endpoints against instead of the system's.
    public var caFile: String?
    /// UDP: the payload to send, and a substring the reply must contain.
    public var send: [UInt8]?
    public var expect: [UInt8]?
    /// In a fleet: how many locations must see an endpoint down, which nodes probe it (empty: all), and
    /// how old a location's verdict may be and still count (nil: three intervals).
    public var quorum: Quorum
    public var from: [String]
    public var staleAfter: Duration?

    public init(name: String, protocol: ProbeProtocol, port: UInt16, path: String = "/", host: String? = nil,
                expectStatus: [StatusMatch] = [], expectBody: String? = nil, interval: Duration = .seconds(10),
                timeout: Duration = .seconds(2), failureThreshold: Int = 3, successThreshold: Int = 2,
                tlsVerify: Bool = true, caFile: String? = nil, send: [UInt8]? = nil, expect: [UInt8]? = nil,
                quorum: Quorum = .majority, from: [String] = [], staleAfter: Duration? = nil) {
        self.name = name
        self.protocol = `protocol`
        self.port = port
        self.path = path
        self.host = host
        self.expectStatus = expectStatus
        self.expectBody = expectBody
        self.interval = interval
        self.timeout = timeout
        self.failureThreshold = failureThreshold
        self.successThreshold = successThreshold
        self.tlsVerify = tlsVerify
        self.caFile = caFile
        self.send = send
        self.expect = expect
        self.quorum = quorum
        self.from = from
        self.staleAfter = staleAfter
    }

    /// How old a location's verdict may be and still count.
    public var freshness: Duration { staleAfter ?? interval * 3 }

    /// What a verdict from this monitor means, the same in every process and on every node: the fields
    /// that decide how it probes and when it calls a change (not the quorum, which only combines
    /// verdicts). Two nodes whose fingerprints differ are probing different things.
    public var probeFingerprint: String {
        let fields: [String] = [
            self.protocol.rawValue, String(port), path, host ?? "", expectStatus.map(\.description).joined(separator: ","),
            expectBody ?? "", String(interval.millisecondCount), String(timeout.millisecondCount), String(failureThreshold),
            String(successThreshold), String(tlsVerify), caFile ?? "", send.map { $0.map(String.init).joined(separator: ",") } ?? "",
            expect.map { $0.map(String.init).joined(separator: ",") } ?? "",
        ]
        // FNV-1a, 64 bits: stable across processes, unlike `Hasher`.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in fields.joined(separator: "\u{1f}").utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// An accepted HTTP status: one code (`204`) or a class (`2xx`).
public enum StatusMatch: Hashable, Sendable, CustomStringConvertible {
    case code(Int)
    /// The hundreds digit: `.range(2)` is 200–299.
    case range(Int)

    public func matches(_ status: Int) -> Bool {
        switch self {
        case .code(let code): status == code
        case .range(let hundreds): status / 100 == hundreds
        }
    }

    public var description: String {
        switch self {
        case .code(let code): String(code)
        case .range(let hundreds): "\(hundreds)xx"
        }
    }
}
