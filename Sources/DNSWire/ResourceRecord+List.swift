extension ResourceRecord {
    /// `records` back to back in uncompressed wire form (owner, type, class, TTL, RDLENGTH, RDATA): a
    /// stable form for storing record lists outside a message, which has no 64 KiB limit.
    public static func encode(_ records: [ResourceRecord]) throws(DNSWireError) -> [UInt8] {
        var writer = WireWriter(capacity: records.count * 32)
        for record in records {
            writer.writeName(record.name, compress: false)
            writer.writeUInt16(record.type.rawValue)
            writer.writeUInt16(record.rrClass.rawValue)
            writer.writeUInt32(record.ttl)
            let lengthOffset = writer.bytes.count
            writer.writeUInt16(0)
            record.data.write(to: &writer, compressNames: false)
            let length = writer.bytes.count - lengthOffset - 2
            guard length <= 0xFFFF else { throw .tooLarge(what: "record data of \(record.name) \(record.type) (\(length) octets)") }
            writer.patchUInt16(UInt16(length), at: lengthOffset)
        }
        return writer.bytes
    }

    /// Reads what `encode` wrote. Throws on anything malformed, never traps.
    public static func decode(_ bytes: [UInt8]) throws(DNSWireError) -> [ResourceRecord] {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(DNSWireError) -> [ResourceRecord] in
                var reader = WireReader(buffer)
                var records: [ResourceRecord] = []
                while reader.remaining > 0 {
                    let name = try reader.readName()
                    let type = RRType(try reader.readUInt16())
                    let rrClass = RRClass(try reader.readUInt16())
                    let ttl = try reader.readUInt32()
                    let length = Int(try reader.readUInt16())
                    records.append(ResourceRecord(name: name, ttl: ttl, rrClass: rrClass,
                                                  data: try RData.read(from: &reader, type: type, rrClass: rrClass, length: length)))
                }
                return records
            }
        }
        return try result.get()
    }

    /// Octets this record takes in a message without name compression: an upper bound for sizing.
    public var uncompressedWireLength: Int {
        name.wireLength + 10 + data.wireBytes.count
    }
}
