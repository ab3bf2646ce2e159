import DNSWire
import Model

/// Full zone transfers (AXFR, RFC 5936), answered to the zone's secondaries only.
public enum ZoneTransfer {
    /// Octets of records per message: well under the 65535 limit, so each message is built once and
    /// never needs splitting again (BIND uses similar sizes).
    static let messageBudget = 16_000

    /// The messages that answer an AXFR (or IXFR, answered with a full AXFR, RFC 1995 §4) query: the
    /// SOA, every other record, and the SOA again, spread over as many messages as they need.
    ///
    /// A single REFUSED message when the name is not a zone served here, or when no secondary of the zone
    /// has the client's address and that key: `key` is the TSIG key the query was verified with (nil for
    /// an unsigned query), and a secondary configured with a key is served only a query signed with it.
    public static func messages(for query: Message, from snapshot: Snapshot, client: ClientInfo, key: Name? = nil) -> [Message] {
        var refusal = query.makeResponse(rcode: .refused)
        refusal.edns = query.edns.map { _ in EDNS(udpPayloadSize: UInt16(Authority.maxUDPPayload)) }
        guard query.questions.count == 1, let question = query.questions.first,
              let zone = snapshot.zones[question.name], let address = client.address,
              zone.model.secondaries.contains(where: { $0.address == address && $0.tsigKey.flatMap { try? Name($0) } == key })
        else {
            return [refusal]
        }
        var records: [ResourceRecord] = [zone.soa]
        // Apex first, then the rest in canonical order, so transfers are reproducible.
        for owner in zone.nodes.keys.sorted() {
            let node = zone.nodes[owner]!
            for rrset in node.rrsets where !(owner == zone.origin && rrset.type == .soa) {
                records += rrset.records(owner: owner)
            }
            // A policy transfers what every client gets now (geo: the default region), A/AAAA and CNAME
            // as records; ALIAS has no record type of its own and is not transferred.
            if let policy = zone.policies[owner] {
                let answer = policy.transferAnswer
                let values: [EndpointValue] = switch answer.selection {
                case .all(let values), .weighted(let values, _, _): values
                case .nothing: []
                }
                for value in values {
                    switch (policy.type, value) {
                    case (.a, .address(.v4(let address))): records.append(ResourceRecord(name: owner, ttl: answer.ttl, data: .a(address)))
                    case (.aaaa, .address(.v6(let address))): records.append(ResourceRecord(name: owner, ttl: answer.ttl, data: .aaaa(address)))
                    case (.cname, .target(let target)) where !records.contains(where: { $0.name == owner && $0.type == .cname }):
                        records.append(ResourceRecord(name: owner, ttl: answer.ttl, data: .cname(target)))
                    default: break
                    }
                }
            }
        }
        records.append(zone.soa)

        var messages: [Message] = []
        var current = query.makeResponse()
        current.header.isAuthoritative = true
        var size = 0
        for record in records {
            let estimate = record.name.wireLength + 10 + record.data.wireBytes.count
            if size + estimate > messageBudget && !current.answers.isEmpty {
                messages.append(current)
                current = query.makeResponse()
                current.header.isAuthoritative = true
                current.questions = []  // the question is only in the first message (RFC 5936 §2.2.1)
                size = 0
            }
            current.answers.append(record)
            size += estimate
        }
        messages.append(current)
        return messages
    }
}
