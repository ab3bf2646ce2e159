import DNSWire

/// Who asked and how: what answers may depend on (transport now, location with policies).
public struct ClientInfo: Sendable {
    public enum Transport: Sendable {
        case udp, tcp
    }

    public var address: IPAddress?
    public var transport: Transport

    public init(address: IPAddress?, transport: Transport) {
        self.address = address
        self.transport = transport
    }
}
