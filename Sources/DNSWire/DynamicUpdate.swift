/// RFC 2136 UPDATE messages that replace one RRset atomically, guarded by what the sender last wrote.
public enum DynamicUpdate {
    /// An UPDATE for `zone` that replaces the `type` RRset at `owner` with `records` (all of that owner
    /// and type; empty deletes the RRset), applied only if the RRset is now exactly `expected` (RFC 2136
    /// §2.4.2, value-dependent) or, with `expected` nil, does not exist (§2.4.3).
    ///
    /// Sections: the zone (SOA question), the prerequisite, then "delete the RRset" (class ANY, §2.5.2)
    /// and each record to add (class IN, §2.5.1). The server applies all of it or none (§3.4.2).
    public static func replacing(_ type: RRType, at owner: Name, in zone: Name, with records: [ResourceRecord],
                                 expecting expected: [ResourceRecord]?, id: UInt16) -> Message {
        var message = Message(header: Header(id: id, opcode: .update), questions: [Question(name: zone, type: .soa)])
        if let expected, !expected.isEmpty {
            message.answers = expected.map { ResourceRecord(name: owner, ttl: 0, data: $0.data) }
        } else {
            message.answers = [ResourceRecord(name: owner, ttl: 0, rrClass: .none, data: .unknown(type: type, data: []))]
        }
        message.authority = [ResourceRecord(name: owner, ttl: 0, rrClass: .any, data: .unknown(type: type, data: []))]
            + records.map { ResourceRecord(name: owner, ttl: $0.ttl, data: $0.data) }
        return message
    }
}
