extension Message {
    /// The wire form with names compressed, whole.
    ///
    /// Throws `.tooLarge` when it would exceed 65535 octets (split it, as AXFR does, or use
    /// `wireBytes(maxSize:)`), and `.extendedRCodeWithoutEDNS` for an RCODE above 15 without `edns`.
    public func wireBytes() throws(DNSWireError) -> [UInt8] {
        let result = try serialize(maxSize: 65535)
        guard !result.isTruncated, result.omittedRecords == 0 else { throw .tooLarge(what: "message") }
        return result.bytes
    }

    /// The wire form cut to at most `maxSize` octets, for a UDP response.
    ///
    /// Records are dropped from the end a whole RRset at a time. Losing any of the answer or authority
    /// section sets TC so the client retries over TCP; losing only additional records does not (RFC 2181
    /// §9). Room for the OPT record is always kept (RFC 6891 §7). `maxSize` below 512 counts as 512, the
    /// size every DNS client accepts (RFC 1035 §4.2.1, RFC 6891 §6.2.3).
    /// Throws `tooLarge` when the question section alone does not fit.
    public func wireBytes(maxSize: Int) throws(DNSWireError) -> (bytes: [UInt8], isTruncated: Bool) {
        let result = try serialize(maxSize: maxSize)
        return (result.bytes, result.isTruncated)
    }

    private func serialize(maxSize: Int) throws(DNSWireError) -> (bytes: [UInt8], isTruncated: Bool, omittedRecords: Int) {
        if rcode.isExtended && edns == nil { throw .extendedRCodeWithoutEDNS(rcode) }
        guard max(questions.count, answers.count, authority.count, additional.count + 1) <= 0xFFFF else {
            throw .tooLarge(what: "a section of more than 65535 entries")
        }
        let budget = min(max(maxSize, 512), 0xFFFF)
        let reserved = edns?.wireLength ?? 0
        var writer = WireWriter(capacity: min(budget, 1232))
        writer.writeUInt16(header.id)
        writer.writeUInt16(0)  // flags, patched once TC is known
        writer.writeUInt16(UInt16(questions.count))
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        for question in questions {
            writer.writeName(question.name, compress: true)
            writer.writeUInt16(question.type.rawValue)
            writer.writeUInt16(question.rrClass.rawValue)
        }

        let limit = budget - reserved
        // Truncation drops records, never questions: a question section over the limit cannot be sent.
        guard writer.bytes.count <= limit else { throw .tooLarge(what: "a question section of \(writer.bytes.count - 12) octets") }
        var isTruncated = false
        var counts = (answer: 0, authority: 0, additional: 0)
        var omitted = answers.count + authority.count + additional.count
        if !isTruncated {
            let answer = try Self.writeRecords(answers, to: &writer, limit: limit)
            counts.answer = answer.written
            omitted -= answer.written
            if answer.isComplete {
                let authorityPart = try Self.writeRecords(authority, to: &writer, limit: limit)
                counts.authority = authorityPart.written
                omitted -= authorityPart.written
                if authorityPart.isComplete {
                    let additionalPart = try Self.writeRecords(additional, to: &writer, limit: limit)
                    counts.additional = additionalPart.written
                    omitted -= additionalPart.written
                } else {
                    isTruncated = true
                }
            } else {
                isTruncated = true
            }
        }

        if let edns {
            try edns.write(to: &writer, rcodeHigh: UInt8(truncatingIfNeeded: rcode.rawValue >> 4))
            counts.additional += 1
        }
        var flagsHeader = header
        flagsHeader.isTruncated = header.isTruncated || isTruncated
        writer.patchUInt16(flagsHeader.flags(rcodeLow: rcode.rawValue), at: 2)
        writer.patchUInt16(UInt16(counts.answer), at: 6)
        writer.patchUInt16(UInt16(counts.authority), at: 8)
        writer.patchUInt16(UInt16(counts.additional), at: 10)
        return (writer.bytes, isTruncated, omitted)
    }
}

extension Message {
    /// Writes `records` while the message stays within `limit` octets, dropping the RRset that crosses it
    /// and everything after. Returns how many were written and whether that was all of them.
    private static func writeRecords(_ records: [ResourceRecord], to writer: inout WireWriter,
                                     limit: Int) throws(DNSWireError) -> (written: Int, isComplete: Bool) {
        var rrsetMark = writer.mark
        var rrsetStart = 0
        for (index, record) in records.enumerated() {
            if index == 0 || !record.isSameRRset(as: records[index - 1]) {
                rrsetMark = writer.mark
                rrsetStart = index
            }
            try record.write(to: &writer)
            if writer.bytes.count > limit {
                writer.rollBack(to: rrsetMark)
                return (rrsetStart, false)
            }
        }
        return (records.count, true)
    }
}

extension ResourceRecord {
    /// True when both records belong to one RRset: same owner, class and type (RFC 2181 §5).
    func isSameRRset(as other: ResourceRecord) -> Bool {
        type == other.type && rrClass == other.rrClass && name == other.name
    }

    func write(to writer: inout WireWriter) throws(DNSWireError) {
        writer.writeName(name, compress: true)
        writer.writeUInt16(type.rawValue)
        writer.writeUInt16(rrClass.rawValue)
        writer.writeUInt32(ttl)
        let lengthOffset = writer.bytes.count
        writer.writeUInt16(0)
        data.write(to: &writer)
        let length = writer.bytes.count - lengthOffset - 2
        guard length <= 0xFFFF else { throw .tooLarge(what: "record data of \(name) \(type) (\(length) octets)") }
        writer.patchUInt16(UInt16(length), at: lengthOffset)
    }
}

extension EDNS {
    /// Writes the OPT pseudo-record (RFC 6891 §6.1.2, §6.1.3).
    func write(to writer: inout WireWriter, rcodeHigh: UInt8) throws(DNSWireError) {
        let length = wireLength - 11
        guard length <= 0xFFFF else { throw .tooLarge(what: "OPT record data (\(length) octets)") }
        writer.writeUInt8(0)
        writer.writeUInt16(RRType.opt.rawValue)
        writer.writeUInt16(udpPayloadSize)
        writer.writeUInt8(rcodeHigh)
        writer.writeUInt8(version)
        writer.writeUInt16((isDNSSECOK ? 0x8000 : 0) | otherFlags & 0x7FFF)
        writer.writeUInt16(UInt16(length))
        writer.writeBytes(optionBytes)
    }
}
