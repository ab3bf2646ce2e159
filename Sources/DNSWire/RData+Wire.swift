extension RData {
    /// Reads RDATA of `length` octets at the reader's offset; on return the reader is just past it.
    ///
    /// Names may be compressed where RFC 3597 §4 says receivers must or should decompress (the RFC 1035
    /// types, SRV). Throws when the content does not fill exactly `length` octets.
    static func read(from reader: inout WireReader, type: RRType, rrClass: RRClass,
                     length: Int) throws(DNSWireError) -> RData {
        let start = reader.offset
        try reader.require(length)
        let end = start + length
        // A bounded view, so fixed fields cannot read into the next record.
        var bounded = WireReader(UnsafeRawBufferPointer(rebasing: reader.bytes[..<end]), offset: start)
        func fail(_ reason: String) -> DNSWireError { .badRData(at: start, type: type, reason: reason) }

        let data: RData
        switch type {
        case .a where rrClass == .internet:
            guard length == 4 else { throw fail("an A record is 4 octets, not \(length)") }
            data = .a(IPv4Address(try bounded.readUInt32()))
        case .aaaa where rrClass == .internet:
            guard length == 16 else { throw fail("an AAAA record is 16 octets, not \(length)") }
            let high = UInt64(try bounded.readUInt32()) << 32 | UInt64(try bounded.readUInt32())
            let low = UInt64(try bounded.readUInt32()) << 32 | UInt64(try bounded.readUInt32())
            data = .aaaa(IPv6Address(high: high, low: low))
        case .ns, .cname, .ptr:
            // Names may point anywhere earlier in the message, so read them from the whole message.
            var full = reader
            let name = try full.readName()
            bounded.offset = full.offset
            data = type == .ns ? .ns(name) : type == .cname ? .cname(name) : .ptr(name)
        case .mx:
            let preference = try bounded.readUInt16()
            var full = WireReader(reader.bytes, offset: bounded.offset)
            let exchange = try full.readName()
            bounded.offset = full.offset
            data = .mx(MX(preference: preference, exchange: exchange))
        case .soa:
            var full = reader
            let primary = try full.readName()
            let contact = try full.readName()
            bounded.offset = full.offset
            data = .soa(SOA(primary: primary, contact: contact, serial: try bounded.readUInt32(),
                            refresh: try bounded.readUInt32(), retry: try bounded.readUInt32(),
                            expire: try bounded.readUInt32(), minimum: try bounded.readUInt32()))
        case .txt:
            guard length > 0 else { throw fail("TXT data holds at least one string") }
            var strings: [[UInt8]] = []
            while bounded.offset < end {
                let count = Int(try bounded.readUInt8())
                strings.append(try bounded.readBytes(count))
            }
            data = .txt(TXT(validatedStrings: strings))  // non-empty, each under 256 by construction
        case .srv where rrClass == .internet:
            let priority = try bounded.readUInt16()
            let weight = try bounded.readUInt16()
            let port = try bounded.readUInt16()
            var full = WireReader(reader.bytes, offset: bounded.offset)
            let target = try full.readName()
            bounded.offset = full.offset
            data = .srv(SRV(priority: priority, weight: weight, port: port, target: target))
        case .caa:
            let flags = try bounded.readUInt8()
            let tagLength = Int(try bounded.readUInt8())
            let tag = String(decoding: try bounded.readBytes(tagLength), as: UTF8.self)
            let value = try bounded.readBytes(end - bounded.offset)
            do {
                data = .caa(try CAA(flags: flags, tag: tag, value: value))
            } catch {
                throw fail("tag is not 1 to 15 ASCII letters and digits")
            }
        default:
            data = .unknown(type: type, data: try bounded.readBytes(length))
        }
        guard bounded.offset == end else {
            throw fail("record data is \(length) octets but its content ends at \(bounded.offset - start)")
        }
        reader.offset = end
        return data
    }

    /// Writes the RDATA (without its length). With `compressNames`, names are compressed only in the
    /// types RFC 1035 defines (RFC 3597 §4); SRV targets never are (RFC 2782).
    func write(to writer: inout WireWriter, compressNames: Bool = true) {
        switch self {
        case .a(let address):
            writer.writeUInt32(address.value)
        case .aaaa(let address):
            writer.writeUInt32(UInt32(truncatingIfNeeded: address.high >> 32))
            writer.writeUInt32(UInt32(truncatingIfNeeded: address.high))
            writer.writeUInt32(UInt32(truncatingIfNeeded: address.low >> 32))
            writer.writeUInt32(UInt32(truncatingIfNeeded: address.low))
        case .ns(let name), .cname(let name), .ptr(let name):
            writer.writeName(name, compress: compressNames)
        case .mx(let mx):
            writer.writeUInt16(mx.preference)
            writer.writeName(mx.exchange, compress: compressNames)
        case .soa(let soa):
            writer.writeName(soa.primary, compress: compressNames)
            writer.writeName(soa.contact, compress: compressNames)
            writer.writeUInt32(soa.serial)
            writer.writeUInt32(soa.refresh)
            writer.writeUInt32(soa.retry)
            writer.writeUInt32(soa.expire)
            writer.writeUInt32(soa.minimum)
        case .txt(let txt):
            for string in txt.strings {
                writer.writeUInt8(UInt8(string.count))
                writer.writeBytes(string)
            }
        case .srv(let srv):
            writer.writeUInt16(srv.priority)
            writer.writeUInt16(srv.weight)
            writer.writeUInt16(srv.port)
            writer.writeName(srv.target, compress: false)
        case .caa(let caa):
            writer.writeUInt8(caa.flags)
            writer.writeUInt8(UInt8(caa.tag.utf8.count))
            writer.writeBytes(caa.tag.utf8)
            writer.writeBytes(caa.value)
        case .unknown(_, let data):
            writer.writeBytes(data)
        }
    }

    /// The RDATA in uncompressed wire form, as RFC 3597's generic `\#` text shows it.
    public var wireBytes: [UInt8] {
        var writer = WireWriter(capacity: 64)
        write(to: &writer, compressNames: false)
        return writer.bytes
    }
}
