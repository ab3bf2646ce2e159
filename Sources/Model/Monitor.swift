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

    public init(name: String, protocol: ProbeProtocol, port: UInt16, path: String = "/", host: String? = nil,
                expectStatus: [StatusMatch] = [], expectBody: String? = nil, interval: Duration = .seconds(10),
                timeout: Duration = .seconds(2), failureThreshold: Int = 3, successThreshold: Int = 2,
                tlsVerify: Bool = true, caFile: String? = nil, send: [UInt8]? = nil, expect: [UInt8]? = nil) {
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
