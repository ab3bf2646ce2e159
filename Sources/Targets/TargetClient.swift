import DNSWire
import Model
import NIOCore
import Server

/// Talks to one target: reads an RRset back with an ordinary query and replaces it with a guarded,
/// TSIG-signed UPDATE, both over TCP.
public struct TargetClient: Sendable {
    /// An RRset as the target holds it: its data (empty when the name or type is absent) and TTL.
    public struct Held: Sendable, Equatable {
        public var data: [RData]
        public var ttl: UInt32?

        public init(data: [RData], ttl: UInt32?) {
            self.data = data
            self.ttl = ttl
        }

        /// Whether this is `set` as a resolver would see it: the same records (in any order) and, when
        /// there are any, the same TTL.
        public func matches(_ set: TargetRecordSet) -> Bool {
            Set(data) == Set(set.data) && (data.isEmpty || ttl == set.ttl)
        }
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The target answered a read with an RCODE other than NOERROR or NXDOMAIN, or without AA.
        case readRefused(String)
        /// The target answered an UPDATE with an error: the RCODE, and the TSIG error when there is one.
        case updateRefused(RCode, tsigError: RCode?)
        /// The UPDATE's prerequisite failed: the RRset is not what we expected (someone else's edit).
        case prerequisiteFailed(RCode)
        /// The key the target names has no secret in the keyring (its `secretFrom` could not be read).
        case noSecret(Name)
        /// No answer, an answer that does not parse or verify, a connection refused.
        case unreachable(String)

        public var description: String {
            switch self {
            case .readRefused(let detail): "the target does not answer for the zone: \(detail)"
            case .updateRefused(let rcode, let tsigError?): "the target refused the UPDATE: \(rcode) (TSIG \(tsigError.tsigDescription))"
            case .updateRefused(let rcode, nil): "the target refused the UPDATE: \(rcode)"
            case .prerequisiteFailed(let rcode): "the RRset at the target is not what we last wrote (\(rcode)): someone else changed it"
            case .noSecret(let key): "the TSIG key \(key) has no secret: check its secretFrom"
            case .unreachable(let detail): "no usable answer from the target: \(detail)"
            }
        }
    }

    public let target: Target
    let group: EventLoopGroup
    let timeout: TimeAmount

    public init(target: Target, group: EventLoopGroup, timeout: TimeAmount = .seconds(5)) {
        self.target = target
        self.group = group
        self.timeout = timeout
    }

    /// The host to connect to: an address as is (IPv6 without brackets), or the name, resolved on connect.
    var host: String {
        switch target.host {
        case .address(let address): address.description
        case .name(let name): name
        }
    }

    /// What the target holds at `owner` for `type`, as its authoritative answer says.
    public func read(_ owner: Name, _ type: RRType) async throws(Failure) -> Held {
        let query = Message.query(owner, type, id: UInt16.random(in: 0...UInt16.max), edns: EDNS(udpPayloadSize: 1232))
        let reply: Message
        do {
            let bytes = try await TCPExchange.exchange(try query.wireBytes(), host: host, port: Int(target.port), group: group,
                                                       timeout: timeout)
            reply = try Message(wire: bytes)
        } catch {
            throw .unreachable("\(error)")
        }
        guard reply.header.id == query.header.id, reply.header.isResponse else { throw .unreachable("the answer is not to our query") }
        guard reply.rcode == .noError || reply.rcode == .nameError else {
            throw .readRefused("\(reply.rcode) to \(owner) \(type)")
        }
        guard reply.header.isAuthoritative else { throw .readRefused("not authoritative for \(owner) \(type)") }
        let records = reply.answers.filter { $0.name == owner && $0.type == type }
        return Held(data: records.map(\.data), ttl: records.map(\.ttl).min())
    }

    /// Replaces the RRset with `set`'s records, only if the target holds exactly `expected` now (nothing
    /// at all when it is empty), signed with the target's key from `keyring`.
    public func replace(_ set: TargetRecordSet, expecting expected: [RData], keyring: TSIGKeyring) async throws(Failure) {
        let records = set.data.map { ResourceRecord(name: set.owner, ttl: set.ttl, data: $0) }
        let prerequisite = expected.isEmpty ? nil : expected.map { ResourceRecord(name: set.owner, ttl: 0, data: $0) }
        let update = DynamicUpdate.replacing(set.type, at: set.owner, in: target.zone, with: records, expecting: prerequisite,
                                             id: UInt16.random(in: 0...UInt16.max))
        let answer: UpdateClient.Answer
        do {
            answer = try await UpdateClient(group: group).send(update, to: host, port: Int(target.port), key: target.tsigKey?.name,
                                                               keyring: keyring, timeout: timeout)
        } catch UpdateClient.Failure.unknownKey(let key) {
            throw .noSecret(key)
        } catch {
            throw .unreachable("\(error)")
        }
        switch answer.rcode {
        case .noError where answer.tsigError == nil: return
        case .nxRRSet, .yxRRSet: throw .prerequisiteFailed(answer.rcode)
        default: throw .updateRefused(answer.rcode, tsigError: answer.tsigError)
        }
    }
}
