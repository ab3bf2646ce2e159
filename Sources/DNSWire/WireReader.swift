/// A cursor over a DNS message that checks every read against the end of the message.
///
/// Used only inside `withUnsafeBytes` scopes; it never outlives the buffer it reads.
struct WireReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    /// Throws unless `count` more bytes are there.
    @inline(__always)
    func require(_ count: Int) throws(DNSWireError) {
        guard count <= bytes.count - offset else { throw .truncated(at: bytes.count) }
    }

    @inline(__always)
    mutating func readUInt8() throws(DNSWireError) -> UInt8 {
        try require(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    @inline(__always)
    mutating func readUInt16() throws(DNSWireError) -> UInt16 {
        try require(2)
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    @inline(__always)
    mutating func readUInt32() throws(DNSWireError) -> UInt32 {
        try require(4)
        defer { offset += 4 }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    mutating func readBytes(_ count: Int) throws(DNSWireError) -> [UInt8] {
        try require(count)
        defer { offset += count }
        guard count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + offset,
                                         count: count))
    }

    /// The most compression pointers one name may follow. A valid name has at most 127 labels, so a
    /// longer chain is an attack (quadratic work over a 64 KiB message), never a real message.
    static let maxPointerHops = 127

    /// Reads a possibly compressed name (RFC 1035 §4.1.4) and leaves the cursor after it.
    ///
    /// Every pointer must point before the start of the label run it ends, so the walk only ever moves
    /// backwards and cannot loop; the hop count and the 255-octet limit bound it further.
    mutating func readName() throws(DNSWireError) -> Name {
        let start = offset
        var position = offset
        var runStart = offset
        var length = 0
        var end = -1
        var hops = 0
        // First pass: validate and measure, so the second can copy into an exactly sized array.
        while true {
            guard position < bytes.count else { throw .truncated(at: bytes.count) }
            let byte = bytes[position]
            switch byte & 0xC0 {
            case 0x00:
                if byte == 0 {
                    if end < 0 { end = position + 1 }
                    break
                }
                guard position + 1 + Int(byte) <= bytes.count else { throw .truncated(at: bytes.count) }
                length += 1 + Int(byte)
                guard length + 1 <= 255 else { throw .nameTooLong(at: start) }
                position += 1 + Int(byte)
                continue
            case 0xC0:
                guard position + 2 <= bytes.count else { throw .truncated(at: bytes.count) }
                let target = Int(byte & 0x3F) << 8 | Int(bytes[position + 1])
                hops += 1
                guard target < runStart, hops <= Self.maxPointerHops else { throw .badPointer(at: position) }
                if end < 0 { end = position + 2 }
                runStart = target
                position = target
                continue
            default:
                throw .badLabelType(at: position)
            }
            break
        }
        offset = end
        if length == 0 { return .root }
        // Array(UnsafeBufferPointer) is the cheapest way to a new array (about 20 ns less than
        // unsafeUninitializedCapacity, which looks up generic metadata on every call).
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        if runStart == start {
            return Name(validatedLabelBytes: Array(UnsafeBufferPointer(start: base + start, count: length)))
        }
        // Compressed: put the runs between pointers together on the stack; the first pass proved the layout.
        let labelBytes = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 255) { out in
            var source = start
            var written = 0
            while written < length {
                var runEnd = source
                while bytes[runEnd] & 0xC0 == 0 && bytes[runEnd] != 0 {
                    runEnd += 1 + Int(bytes[runEnd])
                }
                let count = min(runEnd - source, length - written)
                (out.baseAddress! + written).initialize(from: base + source, count: count)
                written += count
                if written < length {
                    source = Int(bytes[runEnd] & 0x3F) << 8 | Int(bytes[runEnd + 1])
                }
            }
            return Array(UnsafeBufferPointer(rebasing: out[0..<length]))
        }
        return Name(validatedLabelBytes: labelBytes)
    }
}
