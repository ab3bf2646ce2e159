import DNSWire

/// Who asked and how: what answers may depend on (transport now, location with policies).
public struct ClientInfo: Sendable {
    public enum Transport: Sendable {
        case udp, tcp
    }

    public var address: IPAddress?
    public var transport: Transport
    /// The COOKIE option to answer with (RFC 7873: the client's cookie and a server cookie), when the
    /// query had one; such an answer is the client's own, never cached for others.
    public var cookie: EDNSOption?
    /// The NSID option to answer with (RFC 5001), when the query asked for it and the server has one.
    public var nsid: EDNSOption?

    public init(address: IPAddress?, transport: Transport, cookie: EDNSOption? = nil) {
        self.address = address
        self.transport = transport
        self.cookie = cookie
    }
}
