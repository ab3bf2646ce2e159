import Authority
import DNSWire
import Foundation
import Logging

/// A UDP response and what the packet cache and rate limiting need to know of it.
struct UDPResponse {
    var bytes: [UInt8]
    var isCacheable = false
    var variation: AnswerVariation? = nil
    var policy: PolicyQueryCounter? = nil
    var hasValidCookie = false
}

/// Turns one query's bytes into the response messages to send, for both transports: plain answers
/// from `Authority`, zone transfers over TCP, and TSIG verification and signing (RFC 8945) around both.
struct QueryResponder: Sendable {
    let snapshots: SnapshotReference
    let keyring: TSIGKeyringReference
    /// DNS cookies (RFC 7873): server cookies made and checked with a rotating secret.
    let cookies: ServerCookies
    /// Over UDP, a query with a COOKIE option but no valid server cookie gets BADCOOKIE and a fresh one
    /// instead of its answer (as BIND's `require-server-cookie`); queries without the option are answered.
    /// Seconds since 1970, injected so tests can set the clock.
    let now: @Sendable () -> UInt64
    /// Every zone transfer is logged, as secondaries log theirs: what went to whom, and how large.
    let logger: Logger
    /// Over UDP, a query with a COOKIE option but no valid server cookie gets BADCOOKIE and a fresh one
    /// instead of its answer (as BIND's `require-server-cookie`); queries without the option are answered.
    var requireCookie = false
    /// This server's NSID (RFC 5001), sent to queries that ask for it; nil sends none.
    var nsid: [UInt8]? = nil

    /// The one message answering a UDP query, or nil when nothing should be sent, with what a packet
    /// cache needs to keep it: whether the same query bytes (after the ID) always get the same response
    /// from this snapshot, or else how it varies (`AnswerVariation`, one policy's choice).
    ///
    /// `Authority` says which answers depend on nothing but the query and the snapshot: static data and
    /// failover are; geo answers (by client) and weighted picks among several are not. Signed queries
    /// never are (their MACs carry the time), nor answers carrying a cookie (it is the client's own).
    /// The counter of the policy that answered comes with it, for the caller to count each response sent,
    /// and whether the client presented a valid server cookie (it has proved its address).
    /// With `forced`, that choice is made again instead of drawn: the cache rendering a choice it lacks.
    func response(to bytes: UnsafeRawBufferPointer, client: ClientInfo, forced: AnswerChoice? = nil,
                  random: inout some RandomNumberGenerator) -> UDPResponse? {
        guard bytes.count >= 12, bytes[2] & 0x80 == 0 else { return nil }
        // Signed queries and transfers (IXFR over UDP gets the SOA) take the general path, never cached.
        guard let query = try? Message(wire: bytes), query.additional.last?.type != .tsig, !isTransfer(query) else {
            return responses(to: bytes, client: client).first.map { UDPResponse(bytes: $0) }
        }
        var client = client
        identify(for: query, client: &client)
        let cookie = cookie(for: query, client: &client)
        if let settled = cookie.settled { return UDPResponse(bytes: settled, hasValidCookie: cookie.isValid) }
        return Authority.respondWithCacheability(to: query, from: snapshots.load(), client: client, forced: forced, random: &random)
            .map { UDPResponse(bytes: $0.bytes, isCacheable: $0.isCacheable, variation: $0.variation, policy: $0.policy,
                               hasValidCookie: cookie.isValid) }
    }

    /// What the query's COOKIE option (RFC 7873) means for its answer: the option to answer with goes
    /// into `client`; a malformed one (FORMERR) or a query with no question (the cookie alone, NOERROR)
    /// is answered here (`settled`); `isValid` when the client presented a server cookie of ours.
    private func cookie(for query: Message, client: inout ClientInfo) -> (settled: [UInt8]?, isValid: Bool) {
        let now = now()
        switch cookies.check(query.edns, client: client.address, now: now) {
        case .none:
            return (nil, false)
        case .malformed:
            var response = query.makeResponse(rcode: .formatError)
            response.edns = EDNS(udpPayloadSize: UInt16(Authority.maxUDPPayload))
            return ((try? response.wireBytes()) ?? Authority.formatError(id: query.header.id, flags: 0), false)
        case .present(let clientCookie, let isValid):
            client.cookie = cookies.option(client: clientCookie, address: client.address, now: now)
            guard query.edns?.version == 0, query.header.opcode == .query else { return (nil, isValid) }
            let rcode: RCode
            if query.questions.isEmpty {
                rcode = .noError  // asking for a server cookie alone (RFC 7873 §5.4)
            } else if requireCookie, !isValid, client.transport == .udp {
                rcode = .badCookie  // RFC 7873 §5.2.3: the client retries with the cookie it gets here
            } else {
                return (nil, isValid)
            }
            var response = query.makeResponse(rcode: rcode)
            response.edns = EDNS(udpPayloadSize: UInt16(Authority.maxUDPPayload), options: client.cookie.map { [$0] } ?? [])
            return (try? response.wireBytes(), isValid)
        }
    }

    /// Asks for this server's NSID in `client` when the query carries the option and there is one.
    private func identify(for query: Message, client: inout ClientInfo) {
        guard let nsid, query.edns?.option(.nsid) != nil else { return }
        client.nsid = EDNSOption(code: .nsid, data: nsid)
    }

    /// The messages answering `bytes`, in order; empty when nothing should be sent.
    func responses(to bytes: UnsafeRawBufferPointer, client: ClientInfo) -> [[UInt8]] {
        guard bytes.count >= 12, bytes[2] & 0x80 == 0 else { return [] }
        let query: Message
        do {
            query = try Message(wire: bytes)
        } catch {
            return [Authority.formatError(id: UInt16(bytes[0]) << 8 | UInt16(bytes[1]), flags: bytes[2])]
        }
        var client = client
        identify(for: query, client: &client)
        if let settled = cookie(for: query, client: &client).settled { return [settled] }
        let snapshot = snapshots.load()
        if query.additional.last?.type == .tsig {
            return signedResponses(to: query, bytes: Array(bytes), snapshot: snapshot, client: client)
        }
        if isTransfer(query) {
            return transferResponses(to: query, snapshot: snapshot, client: client, key: nil)
        }
        return Authority.respond(to: query, from: snapshot, client: client).map { [$0] } ?? []
    }

    /// Whether raw query bytes ask for AXFR or IXFR (opcode QUERY), without parsing the whole message.
    static func isTransferQuery(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 12, (bytes[2] >> 3) & 0x0F == 0, bytes[4] != 0 || bytes[5] != 0,
              let end = ResponseRateLimiter.questionEnd(bytes) else { return false }
        let type = UInt16(bytes[end - 4]) << 8 | UInt16(bytes[end - 3])
        return type == 251 || type == 252
    }

    private func isTransfer(_ query: Message) -> Bool {
        query.header.opcode == .query && query.questions.count == 1
            && (query.questions[0].type == .axfr || query.questions[0].type == .ixfr)
    }

    /// AXFR and IXFR over TCP; over UDP, IXFR gets the current SOA (RFC 1995 §2) and AXFR what any other
    /// query of its type would.
    private func transferResponses(to query: Message, snapshot: Snapshot, client: ClientInfo, key: Name?) -> [[UInt8]] {
        if client.transport == .tcp {
            let transfer = ZoneTransfer.transfer(for: query, from: snapshot, client: client, key: key)
            let messages = transfer.messages.compactMap { try? $0.wireBytes() }
            log(transfer, bytes: messages.reduce(0) { $0 + $1.count }, query: query, client: client, key: key)
            return messages
        }
        if query.questions[0].type == .ixfr {
            return (try? ZoneTransfer.udpResponse(to: query, from: snapshot, client: client, key: key).wireBytes()).map { [$0] } ?? []
        }
        return Authority.respond(to: query, from: snapshot, client: client).map { [$0] } ?? []
    }

    private func log(_ transfer: ZoneTransfer.Transfer, bytes: Int, query: Message, client: ClientInfo, key: Name?) {
        var metadata: Logger.Metadata = [
            "zone": "\(query.questions[0].name)", "client": "\(client.address.map { "\($0)" } ?? "-")",
            "key": "\(key.map { "\($0)" } ?? "-")",
        ]
        let asked = query.questions[0].type == .ixfr ? "IXFR" : "AXFR"
        switch transfer.form {
        case .refused:
            metadata["query"] = "\(asked)"
            logger.info("zone transfer refused: no such zone here, or the client is not its secondary with this key", metadata: metadata)
            return
        case .current: metadata["form"] = "IXFR, up to date"
        case .incremental(let from): metadata["form"] = "IXFR from \(from)"
        case .full: metadata["form"] = asked == "IXFR" ? "IXFR answered in full" : "AXFR"
        }
        metadata["serial"] = "\(transfer.serial ?? 0)"
        metadata["messages"] = "\(transfer.messages.count)"
        metadata["bytes"] = "\(bytes)"
        logger.info("zone transfer", metadata: metadata)
    }

    /// Verifies the request's TSIG, answers, and signs every response message: the first over the
    /// request's MAC, each later one (a multi-message transfer) over the previous MAC and only the timers.
    private func signedResponses(to query: Message, bytes: [UInt8], snapshot: Snapshot, client: ClientInfo) -> [[UInt8]] {
        guard let (signedPart, request) = TSIG.split(bytes) else {
            return [Authority.formatError(id: query.header.id, flags: bytes[2])]
        }
        var unsignedQuery = query
        unsignedQuery.additional.removeLast()
        let time = now()
        let keyring = keyring.load()
        // RFC 8945 §5.2.2.1: a MAC truncated below half its length (or 10 octets) is malformed; any other
        // truncation is below what this server accepts (the whole MAC): BADTRUNC, signed, when the part
        // sent verifies.
        if let algorithm = TSIGAlgorithm(name: request.algorithm), keyring.algorithm(of: request.keyName) == algorithm,
           request.mac.count < algorithm.macLength {
            guard request.mac.count >= max(10, algorithm.macLength / 2) else {
                return [Authority.formatError(id: query.header.id, flags: bytes[2])]
            }
            let full = keyring.mac(TSIG.requestData(message: signedPart, record: request), key: request.keyName) ?? []
            guard full.count == algorithm.macLength, Self.constantTimeEqual(Array(full.prefix(request.mac.count)), request.mac) else {
                return [unsignedError(query: unsignedQuery, request: request, error: .badSignature, time: time)]
            }
            let response = unsignedQuery.makeResponse(rcode: .notAuth)
            return sign([(try? response.wireBytes()) ?? []], request: request, time: time, error: .badTrunc, otherData: [], keyring: keyring)
        }
        // RFC 8945 §5.2: an unknown key or algorithm, or a MAC that does not verify, gets NOTAUTH with
        // the TSIG error and no MAC; a time outside the fudge gets BADTIME, signed.
        guard let algorithm = TSIGAlgorithm(name: request.algorithm), keyring.algorithm(of: request.keyName) == algorithm,
              keyring.verify(request.mac, of: TSIG.requestData(message: signedPart, record: request), key: request.keyName,
                             algorithm: algorithm) else {
            let isKnown = keyring.algorithm(of: request.keyName).map { $0.name == request.algorithm } ?? false
            return [unsignedError(query: unsignedQuery, request: request, error: isKnown ? .badSignature : .badKey, time: time)]
        }
        let skew = time > request.timeSigned ? time - request.timeSigned : request.timeSigned - time
        if skew > UInt64(request.fudge) {
            let response = unsignedQuery.makeResponse(rcode: .notAuth)
            let otherData = (0..<6).map { UInt8(truncatingIfNeeded: time >> (40 - 8 * UInt64($0))) }
            return sign([(try? response.wireBytes()) ?? []], request: request, time: time, error: .badTime, otherData: otherData,
                        keyring: keyring)
        }

        let messages: [[UInt8]]
        if isTransfer(unsignedQuery) {
            messages = transferResponses(to: unsignedQuery, snapshot: snapshot, client: client, key: request.keyName)
        } else {
            // Room for the TSIG record appended below.
            let reserved = request.keyName.wireLength + request.algorithm.wireLength + 10 + 16 + algorithm.macLength
            messages = Authority.respond(to: unsignedQuery, from: snapshot, client: client, reserved: reserved).map { [$0] } ?? []
        }
        return sign(messages, request: request, time: time, error: .noError, otherData: [], keyring: keyring)
    }

    private static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func sign(_ messages: [[UInt8]], request: TSIGRecord, time: UInt64, error: RCode, otherData: [UInt8],
                      keyring: TSIGKeyring) -> [[UInt8]] {
        var priorMAC = request.mac
        return messages.enumerated().map { index, message in
            var record = TSIGRecord(keyName: request.keyName, algorithm: request.algorithm, timeSigned: time,
                                    fudge: 300, originalID: request.originalID, error: error, otherData: otherData)
            let data = TSIG.responseData(priorMAC: priorMAC, message: message, record: record, timersOnly: index > 0)
            record.mac = keyring.mac(data, key: request.keyName) ?? []
            priorMAC = record.mac
            return TSIG.appending(record, to: message)
        }
    }

    private func unsignedError(query: Message, request: TSIGRecord, error: RCode, time: UInt64) -> [UInt8] {
        let response = query.makeResponse(rcode: .notAuth)
        let record = TSIGRecord(keyName: request.keyName, algorithm: request.algorithm, timeSigned: time,
                                fudge: 300, originalID: request.originalID, error: error)
        return TSIG.appending(record, to: (try? response.wireBytes()) ?? [])
    }
}
