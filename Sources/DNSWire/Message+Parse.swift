extension Message {
    /// Reads a message from its wire form.
    ///
    /// Never traps, whatever the bytes: anything malformed throws a `DNSWireError` (its `rcode` is
    /// FORMERR). Refused are: counts that the message is too short to hold, names that break RFC 1035's
    /// limits or point anywhere but backwards, RDATA that does not fill its RDLENGTH exactly, an OPT record
    /// outside the additional section, owned by anything but the root, or appearing twice (RFC 6891
    /// §6.1.1), and bytes after the last record.
    public init(wire bytes: [UInt8]) throws(DNSWireError) {
        // Array.withUnsafeBytes only rethrows, so the typed error travels in a Result.
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(DNSWireError) in try Message(wire: buffer) }
        }
        self = try result.get()
    }

    /// Reads a message from raw bytes that stay valid for the duration of the call.
    public init(wire bytes: UnsafeRawBufferPointer) throws(DNSWireError) {
        var reader = WireReader(bytes)
        let id = try reader.readUInt16()
        let flags = try reader.readUInt16()
        let questionCount = Int(try reader.readUInt16())
        let answerCount = Int(try reader.readUInt16())
        let authorityCount = Int(try reader.readUInt16())
        let additionalCount = Int(try reader.readUInt16())
        // A question takes at least 5 octets and a record 11: refuse impossible counts before allocating.
        guard questionCount * 5 + (answerCount + authorityCount + additionalCount) * 11 <= reader.remaining else {
            throw .truncated(at: bytes.count)
        }
        header = Header(id: id, flags: flags)

        questions = []
        questions.reserveCapacity(questionCount)
        for _ in 0..<questionCount {
            let name = try reader.readName()
            questions.append(Question(name: name, type: RRType(try reader.readUInt16()),
                                      rrClass: RRClass(try reader.readUInt16())))
        }
        var opt: OPTRecord? = nil
        answers = try Self.readSection(&reader, count: answerCount, opt: &opt, allowsOPT: false)
        authority = try Self.readSection(&reader, count: authorityCount, opt: &opt, allowsOPT: false)
        additional = try Self.readSection(&reader, count: additionalCount, opt: &opt, allowsOPT: true)
        guard reader.remaining == 0 else { throw .trailingBytes(at: reader.offset) }
        edns = opt?.edns
        rcode = RCode(UInt16(opt?.rcodeHigh ?? 0) << 4 | flags & 0x0F)
    }

    /// The OPT record as read: EDNS and the upper 8 bits of the RCODE.
    private struct OPTRecord {
        var edns: EDNS
        var rcodeHigh: UInt8
    }

    /// Reads `count` records, taking an OPT record into `opt` where `allowsOPT` (the additional section).
    private static func readSection(_ reader: inout WireReader, count: Int, opt: inout OPTRecord?,
                                    allowsOPT: Bool) throws(DNSWireError) -> [ResourceRecord] {
        var records: [ResourceRecord] = []
        guard count > 0 else { return records }
        // One record may be the OPT, which is not kept: reserving for it would allocate for nothing.
        if count > 1 { records.reserveCapacity(count) }
        for _ in 0..<count {
            let start = reader.offset
            let name = try reader.readName()
            let type = RRType(try reader.readUInt16())
            let rrClass = RRClass(try reader.readUInt16())
            let ttl = try reader.readUInt32()
            let length = Int(try reader.readUInt16())
            if type == .opt {
                guard allowsOPT else { throw .badOPT(at: start, reason: "OPT outside the additional section") }
                guard opt == nil else { throw .badOPT(at: start, reason: "more than one OPT record") }
                guard name.isRoot else { throw .badOPT(at: start, reason: "owner is not the root") }
                opt = OPTRecord(edns: try readEDNS(&reader, payloadSize: rrClass.rawValue, ttl: ttl, length: length),
                                rcodeHigh: UInt8(ttl >> 24))
                continue
            }
            let data = try RData.read(from: &reader, type: type, rrClass: rrClass, length: length)
            // RFC 2181 §8: a TTL with the top bit set is treated as zero.
            records.append(ResourceRecord(name: name, ttl: ttl & 0x8000_0000 == 0 ? ttl : 0,
                                          rrClass: rrClass, data: data))
        }
        return records
    }

    private static func readEDNS(_ reader: inout WireReader, payloadSize: UInt16, ttl: UInt32,
                                 length: Int) throws(DNSWireError) -> EDNS {
        try reader.require(length)
        let start = reader.offset
        let end = start + length
        // Check the options tile the record data exactly; they are kept as one block.
        var index = start
        while index < end {
            guard index + 4 <= end else { throw .badOPT(at: index, reason: "option header runs past the record data") }
            let optionLength = Int(reader.bytes[index + 2]) << 8 | Int(reader.bytes[index + 3])
            guard index + 4 + optionLength <= end else {
                let code = EDNSOptionCode(UInt16(reader.bytes[index]) << 8 | UInt16(reader.bytes[index + 1]))
                throw .badOPT(at: index, reason: "option \(code) runs past the record data")
            }
            index += 4 + optionLength
        }
        return EDNS(udpPayloadSize: payloadSize, version: UInt8(truncatingIfNeeded: ttl >> 16),
                    isDNSSECOK: ttl & 0x8000 != 0, otherFlags: UInt16(truncatingIfNeeded: ttl) & 0x7FFF,
                    optionBytes: try reader.readBytes(length))
    }
}
