import DNSWire
import Foundation
import NIOCore
import Server

/// Sends one RFC 2136 UPDATE to a primary over TCP (RFC 7766: length-prefixed), TSIG-signed when given a
/// key (RFC 8945), and reads its answer: what a target server says to a push. The answer's own TSIG is
/// verified against the request's MAC, so a forged "NOERROR" is not taken for one.
public struct UpdateClient: Sendable {
    /// What the server answered.
    public struct Answer: Sendable, Equatable {
        public var rcode: RCode
        /// The TSIG error the server reported (BADKEY, BADSIG, BADTIME…), when it did.
        public var tsigError: RCode?

        public init(rcode: RCode, tsigError: RCode? = nil) {
            self.rcode = rcode
            self.tsigError = tsigError
        }
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case unknownKey(Name)
        case malformed(String)
        /// The answer was not signed with the key, or its MAC does not verify.
        case unverified

        public var description: String {
            switch self {
            case .unknownKey(let name): "the TSIG key \(name) has no secret"
            case .malformed(let detail): "the answer does not parse: \(detail)"
            case .unverified: "the answer's TSIG does not verify with the key"
            }
        }
    }

    let group: EventLoopGroup

    public init(group: EventLoopGroup) {
        self.group = group
    }

    /// Sends `update` to `host`:`port`, signed with `key` from `keyring` when given.
    public func send(_ update: Message, to host: String, port: Int, key: Name?, keyring: TSIGKeyring,
                     timeout: TimeAmount = .seconds(5)) async throws -> Answer {
        var bytes = try update.wireBytes()
        var requestMAC: [UInt8]? = nil
        if let key {
            guard let algorithm = keyring.algorithm(of: key) else { throw Failure.unknownKey(key) }
            var record = TSIGRecord(keyName: key, algorithm: algorithm.name, timeSigned: UInt64(max(0, Date().timeIntervalSince1970)),
                                    originalID: update.header.id)
            record.mac = keyring.mac(TSIG.requestData(message: bytes, record: record), key: key) ?? []
            requestMAC = record.mac
            bytes = TSIG.appending(record, to: bytes)
        }
        let reply = try await TCPExchange.exchange(bytes, host: host, port: port, group: group, timeout: timeout)
        return try Self.read(reply, id: update.header.id, key: key, requestMAC: requestMAC, keyring: keyring)
    }

    /// The answer in `reply`: its RCODE, and with a key, its TSIG checked (RFC 8945 §5.3).
    static func read(_ reply: [UInt8], id: UInt16, key: Name?, requestMAC: [UInt8]?, keyring: TSIGKeyring) throws -> Answer {
        let message: Message
        do { message = try Message(wire: reply) } catch { throw Failure.malformed("\(error)") }
        guard message.header.id == id, message.header.isResponse, message.header.opcode == .update else {
            throw Failure.malformed("not the answer to this UPDATE")
        }
        guard let key, let requestMAC else { return Answer(rcode: message.rcode) }
        guard let (signedPart, record) = TSIG.split(reply), record.keyName == key else { throw Failure.unverified }
        // An error about the request's own TSIG comes unsigned (§5.3.2): report it as it is.
        if record.error != .noError && record.mac.isEmpty { return Answer(rcode: message.rcode, tsigError: record.error) }
        guard let algorithm = keyring.algorithm(of: key),
              keyring.verify(record.mac, of: TSIG.responseData(priorMAC: requestMAC, message: signedPart, record: record, timersOnly: false),
                             key: key, algorithm: algorithm) else { throw Failure.unverified }
        return Answer(rcode: message.rcode, tsigError: record.error == .noError ? nil : record.error)
    }
}
