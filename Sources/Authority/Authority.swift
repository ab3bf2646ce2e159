import DNSWire

/// Answers queries from a snapshot. Pure: no I/O, no locks, no waiting.
public enum Authority {
    /// The largest UDP response sent, whatever the client offers: 1232 octets fit any path's MTU without
    /// fragmentation (DNS Flag Day 2020).
    public static let maxUDPPayload = 1232
    /// CNAMEs followed inside our zones before answering with what we have.
    static let maxCNAMEChain = 8

    /// The response to one query.
    ///
    /// When it answers what (the contract callers and tests rely on):
    /// - BADVERS: an EDNS version above 0, before any option is read; the response carries OPT version 0
    ///   and no option (RFC 6891 §6.1.3).
    /// - NOTIMP: any opcode but QUERY, whatever the question count; the question is echoed.
    /// - FORMERR: a response sent as a query, not exactly one question, or a malformed Client Subnet option.
    /// Unknown EDNS options and flags are ignored: none is echoed but Client Subnet, and of the flags only DO.
    /// - REFUSED, without AA: the name is in no zone served here (never recursion), a class other than IN
    ///   or ANY, or AXFR/IXFR, which the server answers itself over TCP.
    /// - NOERROR with AA: the RRset; CNAMEs followed while they stay in served zones; wildcards
    ///   synthesized (RFC 4592); ANY answered with one RRset (RFC 8482); NODATA with the SOA in authority.
    /// - NXDOMAIN with AA and the SOA in authority (TTL min(SOA TTL, SOA minimum), RFC 2308).
    /// - NOERROR without AA below a zone cut: a referral, NS in authority and glue in additional.
    /// The question is echoed exactly as asked. With EDNS the response has OPT (payload 1232, DO copied)
    /// and echoes Client Subnet with scope 0: no answer depends on location yet.
    public static func answer(_ query: Message, from snapshot: Snapshot, client: ClientInfo) -> Message {
        answerWithCacheability(query, from: snapshot, client: client).message
    }

    /// `answer`, and whether the same query always gets this response from this snapshot (no geo
    /// decision, no weighted pick among several), so a packet cache may keep it.
    public static func answerWithCacheability(_ query: Message, from snapshot: Snapshot,
                                              client: ClientInfo) -> (message: Message, isCacheable: Bool) {
        var random = SystemRandomNumberGenerator()
        return answerWithCacheability(query, from: snapshot, client: client, random: &random)
    }

    /// The same, with weighted picks drawn from `random` (a fast per-thread generator in the server).
    public static func answerWithCacheability(_ query: Message, from snapshot: Snapshot, client: ClientInfo,
                                              random: inout some RandomNumberGenerator) -> (message: Message, isCacheable: Bool) {
        let answered = answerDetailed(query, from: snapshot, client: client, random: &random)
        return (answered.message, answered.isCacheable)
    }

    /// `answerWithCacheability`, and the counter of the policy that answered, if one did.
    /// With `forced`, that choice is made again rather than drawn; `variation` says how the answer
    /// varies when one policy's choice alone made it uncacheable.
    static func answerDetailed(_ query: Message, from snapshot: Snapshot, client: ClientInfo, forced: AnswerChoice? = nil,
                               random: inout some RandomNumberGenerator)
        -> (message: Message, isCacheable: Bool, policy: PolicyQueryCounter?, variation: AnswerVariation?) {
        var response = query.makeResponse()
        var subnet: ClientSubnet? = nil
        if let edns = query.edns {
            var reply = EDNS(udpPayloadSize: UInt16(maxUDPPayload), version: 0, isDNSSECOK: edns.isDNSSECOK)
            // RFC 6891 §6.1.3: a version we do not speak is answered before its options mean anything.
            guard edns.version == 0 else {
                response.edns = reply
                response.rcode = .badVersion
                return (response, client.cookie == nil, nil, nil)
            }
            do {
                if var echoed = try edns.clientSubnet() {
                    echoed.scopePrefixLength = 0
                    reply.setClientSubnet(echoed)
                    subnet = echoed
                }
            } catch {
                response.edns = EDNS(udpPayloadSize: UInt16(maxUDPPayload))
                response.rcode = .formatError
                return (response, client.cookie == nil, nil, nil)
            }
            if let nsid = client.nsid { reply.options.append(nsid) }
            if let cookie = client.cookie { reply.options.append(cookie) }
            response.edns = reply
        }
        guard !query.header.isResponse else {
            response.rcode = .formatError
            return (response, client.cookie == nil, nil, nil)
        }
        guard query.header.opcode == .query else {
            response.rcode = .notImplemented
            return (response, client.cookie == nil, nil, nil)
        }
        guard query.questions.count == 1 else {
            response.rcode = .formatError
            return (response, client.cookie == nil, nil, nil)
        }
        let question = query.questions[0]
        // RFC 9824 §3.5: NXNAME is a meta-type for NSEC bitmaps, never a question.
        guard question.type != .nxname else {
            response.rcode = .formatError
            return (response, client.cookie == nil, nil, nil)
        }
        guard question.rrClass == .internet || question.rrClass == .any, question.type != .axfr, question.type != .ixfr,
              let zone = snapshot.zone(for: question.name) else {
            response.rcode = .refused
            return (response, client.cookie == nil, nil, nil)
        }
        // A source prefix of 0 says nothing of where the client is (RFC 7871 §7.1.2): the default answer,
        // scope 0, never the resolver's own address.
        let location = subnet.map { $0.sourcePrefixLength == 0 ? nil : $0.address } ?? client.address
        let dnssecOK = query.edns?.isDNSSECOK == true
        var lookup = Lookup(snapshot: snapshot, location: location, forced: forced, dnssecOK: dnssecOK)
        lookup.resolve(question.name, question.type, in: zone, random: &random)
        if dnssecOK, snapshot.hasSignedZones, !lookup.addSignatures(compactAnswersOK: query.edns?.isCompactAnswersOK == true) {
            // The signature budget of this second is spent: a resolver tries again (or another server).
            response.rcode = .serverFailure
            return (response, false, lookup.policyCounter, nil)
        }
        if dnssecOK, lookup.denial?.zone.signer != nil, query.edns?.isCompactAnswersOK == true {
            response.edns?.otherFlags |= EDNS.compactAnswersOK
        }
        response.header.isAuthoritative = lookup.isAuthoritative
        response.rcode = lookup.rcode
        response.answers = lookup.answers
        response.authority = lookup.authority
        response.additional = lookup.additional
        if var echoed = subnet, lookup.scope > 0 {
            echoed.scopePrefixLength = lookup.scope  // the prefix length that decided a geo answer
            response.edns?.setClientSubnet(echoed)
        }
        var variation: AnswerVariation? = nil
        if client.cookie == nil, lookup.choiceCount == 1, let (policy, choice) = lookup.choice, let choice {
            variation = AnswerVariation(policy: policy, location: subnet == nil ? .client : .query(location), geoip: snapshot.geoip,
                                        made: choice)
        }
        return (response, lookup.isCacheable && client.cookie == nil, lookup.policyCounter, variation)
    }

    /// The largest response to send to this query over UDP: the client's EDNS payload size (512 without
    /// EDNS or below it), capped at `maxUDPPayload`.
    public static func udpPayloadLimit(for query: Message?) -> Int {
        guard let offered = query?.edns?.udpPayloadSize else { return 512 }
        return min(max(Int(offered), 512), maxUDPPayload)
    }

    /// Answers raw query bytes with raw response bytes, or nil when nothing should be sent: a message
    /// too short for a header, or one with QR set (answering responses invites loops and reflection).
    ///
    /// A message that does not parse gets FORMERR with its id and opcode. UDP responses are cut to the
    /// client's payload limit with TC set; TCP responses may use the full 65535 octets.
    public static func respond(to bytes: UnsafeRawBufferPointer, from snapshot: Snapshot, client: ClientInfo) -> [UInt8]? {
        guard bytes.count >= 12, bytes[2] & 0x80 == 0 else { return nil }
        let query: Message
        do {
            query = try Message(wire: bytes)
        } catch {
            return formatError(id: UInt16(bytes[0]) << 8 | UInt16(bytes[1]), flags: bytes[2])
        }
        return respond(to: query, from: snapshot, client: client)
    }

    /// Answers a parsed query with wire bytes, keeping `reserved` octets of the UDP limit free (for a
    /// TSIG record the caller appends). Nil only when even SERVFAIL cannot be written.
    /// Counts the query for the policy that answered it.
    public static func respond(to query: Message, from snapshot: Snapshot, client: ClientInfo, reserved: Int = 0) -> [UInt8]? {
        guard let response = respondWithCacheability(to: query, from: snapshot, client: client, reserved: reserved) else { return nil }
        response.policy?.increment()
        return response.bytes
    }

    /// `respond`, whether the response may be cached (see `answerWithCacheability`), and the counter of
    /// the policy that answered, which the caller increments (once per response sent, cached ones too).
    public static func respondWithCacheability(to query: Message, from snapshot: Snapshot, client: ClientInfo,
                                               reserved: Int = 0) -> (bytes: [UInt8], isCacheable: Bool, policy: PolicyQueryCounter?)? {
        var random = SystemRandomNumberGenerator()
        return respondWithCacheability(to: query, from: snapshot, client: client, reserved: reserved, random: &random)
            .map { ($0.bytes, $0.isCacheable, $0.policy) }
    }

    /// The same, with weighted picks drawn from `random`, `forced` made again instead of drawn (see
    /// `AnswerVariation`), and how the response varies when one policy's choice alone varies it.
    public static func respondWithCacheability(to query: Message, from snapshot: Snapshot, client: ClientInfo, reserved: Int = 0,
                                               forced: AnswerChoice? = nil, random: inout some RandomNumberGenerator)
        -> (bytes: [UInt8], isCacheable: Bool, policy: PolicyQueryCounter?, variation: AnswerVariation?)? {
        let (response, isCacheable, policy, variation) = answerDetailed(query, from: snapshot, client: client, forced: forced,
                                                                         random: &random)
        let limit = client.transport == .udp ? udpPayloadLimit(for: query) - reserved : 0xFFFF - reserved
        do {
            return (try response.wireBytes(maxSize: limit).bytes, isCacheable, policy, variation)
        } catch {
            // An error whose question echo alone is over the limit (NOTIMP or FORMERR to a query of several
            // long questions) keeps its RCODE and drops the question; any other failure is SERVFAIL.
            var failure = query.makeResponse(rcode: response.rcode == .noError ? .serverFailure : response.rcode)
            failure.edns = response.edns.map { _ in EDNS(udpPayloadSize: UInt16(maxUDPPayload)) }
            if (try? failure.wireBytes(maxSize: limit)) == nil { failure.questions = [] }
            return (try? failure.wireBytes(maxSize: limit)).map { ($0.bytes, false, policy, nil) }
        }
    }

    /// A bare FORMERR: the query's id, opcode and RD, no sections (the query could not be read).
    public static func formatError(id: UInt16, flags: UInt8) -> [UInt8] {
        let opcodeAndRD = flags & 0x79  // opcode bits and RD
        return [UInt8(id >> 8), UInt8(id & 0xFF), 0x80 | opcodeAndRD, UInt8(RCode.formatError.rawValue),
                0, 0, 0, 0, 0, 0, 0, 0]
    }
}
