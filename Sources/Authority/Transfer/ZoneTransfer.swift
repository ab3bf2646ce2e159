import DNSWire
import Model

/// Zone transfers to a zone's secondaries: AXFR (RFC 5936) and IXFR (RFC 1995).
public enum ZoneTransfer {
    /// Octets of records per message: well under the 65535 limit, so each message is built once and
    /// never needs splitting again (BIND uses similar sizes).
    static let messageBudget = 16_000

    /// What answers one AXFR or IXFR query over TCP: the messages, and what they hold, for the log.
    public struct Transfer: Sendable {
        public enum Form: Sendable, Equatable {
            /// Not a zone served here, or not for this client and key.
            case refused
            /// IXFR from a client that has the current serial (or a newer one): the SOA alone.
            case current
            /// IXFR: the condensed difference from the client's serial.
            case incremental(from: UInt32)
            /// AXFR, or IXFR answered in full (the journal does not reach back, or the difference is larger).
            case full
        }

        public var form: Form
        /// The zone's serial sent; nil when refused.
        public var serial: UInt32?
        public var messages: [Message]
    }

    /// The messages that answer an AXFR or IXFR query over TCP, spread over as many messages as needed.
    ///
    /// - AXFR: the SOA, every other record, the SOA again.
    /// - IXFR (the client's serial in the query's authority section): only the current SOA when the client
    ///   has this serial or a newer one; else, when the journal reaches back to the client's serial, the
    ///   condensed difference as one delta (SOA, old SOA, deleted records, SOA, added records, SOA; RFC
    ///   1995 §4, §6); else, or when that difference would be larger than the zone, a full transfer in
    ///   AXFR form, which RFC 1995 §4 allows.
    ///
    /// A single REFUSED message when the name is not a zone served here, or when no secondary of the zone
    /// has the client's address and that key: `key` is the TSIG key the query was verified with (nil for
    /// an unsigned query), and a secondary configured with a key is served only a query signed with it.
    public static func transfer(for query: Message, from snapshot: Snapshot, client: ClientInfo, key: Name? = nil) -> Transfer {
        guard let zone = permittedZone(for: query, in: snapshot, client: client, key: key) else {
            return Transfer(form: .refused, serial: nil, messages: [refusal(query)])
        }
        let form: Transfer.Form
        let records: [ResourceRecord]
        if query.questions[0].type == .ixfr, let known = clientSerial(query, zone: zone) {
            if !SerialNumber.isGreater(zone.serial, than: known) {
                (form, records) = (.current, [zone.soa])
            } else if let delta = zone.journal.changes(since: known), delta.to == zone.serial, delta.bytes < zone.transferBytes {
                form = .incremental(from: known)
                records = [zone.soa, ZoneData.soaRecord(of: zone.model, serial: known)] + delta.deleted + [zone.soa] + delta.added + [zone.soa]
            } else {
                (form, records) = (.full, fullTransfer(zone))
            }
        } else {
            (form, records) = (.full, fullTransfer(zone))
        }
        return Transfer(form: form, serial: zone.serial, messages: split(records, answering: query))
    }

    /// The messages of `transfer(for:from:client:key:)`.
    public static func messages(for query: Message, from snapshot: Snapshot, client: ClientInfo, key: Name? = nil) -> [Message] {
        transfer(for: query, from: snapshot, client: client, key: key).messages
    }

    /// An IXFR query over UDP: the current SOA alone (RFC 1995 §2, §4), which tells the secondary
    /// whether to ask again over TCP; REFUSED as over TCP.
    public static func udpResponse(to query: Message, from snapshot: Snapshot, client: ClientInfo, key: Name? = nil) -> Message {
        guard let zone = permittedZone(for: query, in: snapshot, client: client, key: key) else { return refusal(query) }
        var response = query.makeResponse()
        response.header.isAuthoritative = true
        response.answers = [zone.soa]
        response.edns = query.edns.map { _ in EDNS(udpPayloadSize: UInt16(Authority.maxUDPPayload)) }
        return response
    }

    /// The zone a transfer query asks for, if the client may have it.
    private static func permittedZone(for query: Message, in snapshot: Snapshot, client: ClientInfo, key: Name?) -> ZoneData? {
        guard query.questions.count == 1, let zone = snapshot.zones[query.questions[0].name], let address = client.address,
              zone.secondaries.contains(where: { $0.address == address && $0.key?.name == key })
        else { return nil }
        return zone
    }

    private static func refusal(_ query: Message) -> Message {
        var refusal = query.makeResponse(rcode: .refused)
        refusal.edns = query.edns.map { _ in EDNS(udpPayloadSize: UInt16(Authority.maxUDPPayload)) }
        return refusal
    }

    /// The serial of the SOA an IXFR query carries in its authority section (RFC 1995 §3).
    private static func clientSerial(_ query: Message, zone: ZoneData) -> UInt32? {
        for record in query.authority where record.name == zone.origin {
            if case .soa(let soa) = record.data { return soa.serial }
        }
        return nil
    }

    /// The whole zone: SOA, the static records, what each policy sends, the DNSSEC records of a signed
    /// zone, SOA.
    private static func fullTransfer(_ zone: ZoneData) -> [ResourceRecord] {
        var records = [zone.soa] + zone.content.staticRecords()
        for owner in zone.policyRecords.keys.sorted() { records += zone.policyRecords[owner]! }
        records += zone.signed?.records ?? []
        records.append(zone.soa)
        return records
    }

    /// `records` as response messages of about `messageBudget` octets each; only the first has the
    /// question (RFC 5936 §2.2.1).
    private static func split(_ records: [ResourceRecord], answering query: Message) -> [Message] {
        var messages: [Message] = []
        var current = query.makeResponse()
        current.header.isAuthoritative = true
        var size = 0
        for record in records {
            let estimate = record.uncompressedWireLength
            if size + estimate > messageBudget && !current.answers.isEmpty {
                messages.append(current)
                current = query.makeResponse()
                current.header.isAuthoritative = true
                current.questions = []
                size = 0
            }
            current.answers.append(record)
            size += estimate
        }
        messages.append(current)
        return messages
    }
}
