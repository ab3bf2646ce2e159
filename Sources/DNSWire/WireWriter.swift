/// Builds a DNS message, compressing names against those already written (RFC 1035 §4.1.4).
///
/// Compression is case-insensitive, as in BIND and NSD: a later `WWW.example.` points at an earlier
/// `www.example.`, so only the first occurrence keeps its case (RFC 1034 §3.1 allows this). The
/// writer can roll back to a mark, forgetting the names written after it, which is how a response is
/// cut to fit a size budget.
struct WireWriter {
    var bytes: [UInt8]
    /// Where each name suffix written so far starts, with a hash of its lower-cased labels.
    private var suffixes: [(hash: UInt32, offset: UInt16)] = []
    /// The last name written and where a pointer to it may point: the records of an RRset repeat
    /// their owner, and this skips hashing and matching for them.
    private var lastName: (labelBytes: [UInt8], offset: Int)? = nil

    init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
        suffixes.reserveCapacity(32)  // one allocation covers a typical response's names
    }

    /// A point the writer can return to.
    struct Mark {
        fileprivate let byteCount: Int
        fileprivate let suffixCount: Int
    }

    var mark: Mark { Mark(byteCount: bytes.count, suffixCount: suffixes.count) }

    mutating func rollBack(to mark: Mark) {
        bytes.removeSubrange(mark.byteCount...)
        suffixes.removeSubrange(mark.suffixCount...)
        lastName = nil
    }

    @inline(__always)
    mutating func writeUInt8(_ value: UInt8) {
        bytes.append(value)
    }

    @inline(__always)
    mutating func writeUInt16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func writeUInt32(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func writeBytes(_ values: some Collection<UInt8>) {
        bytes.append(contentsOf: values)
    }

    mutating func patchUInt16(_ value: UInt16, at offset: Int) {
        bytes[offset] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value)
    }

    /// Writes `name`, ending in a pointer to the longest suffix already in the message when `compress`
    /// is set. Names written uncompressed (RFC 3597 §4: inside RDATA of types not in RFC 1035; RFC 2782:
    /// SRV targets) are still remembered, so later names may point into them.
    mutating func writeName(_ name: Name, compress: Bool) {
        if compress, !name.isRoot, let lastName, lastName.labelBytes == name.labelBytes {
            writeUInt16(0xC000 | UInt16(lastName.offset))
            return
        }
        let start = bytes.count
        name.labelBytes.withUnsafeBufferPointer { source in
            // Two small tables (at most 127 labels) so both stay on the stack, under the 1 KiB at which
            // withUnsafeTemporaryAllocation falls back to the heap.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { starts in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 128) { hashes in
                    writeName(source, compress: compress, starts: starts, hashes: hashes)
                }
            }
        }
        // A later copy can point where this one starts, or where its own pointer points when it was
        // nothing but a pointer.
        if bytes[start] & 0xC0 == 0xC0 {
            lastName = (name.labelBytes, Int(bytes[start] & 0x3F) << 8 | Int(bytes[start + 1]))
        } else if start <= 0x3FFF {
            lastName = (name.labelBytes, start)
        } else {
            lastName = nil
        }
    }

    private mutating func writeName(_ source: UnsafeBufferPointer<UInt8>, compress: Bool,
                                    starts: UnsafeMutableBufferPointer<UInt8>,
                                    hashes: UnsafeMutableBufferPointer<UInt32>) {
        var labelCount = 0
        var index = 0
        while index < source.count {
            starts[labelCount] = UInt8(index)
            labelCount += 1
            index += 1 + Int(source[index])
        }
        // Hash each suffix from the root up, so equal suffixes get equal hashes.
        var hash = fnv1aSeed
        var label = labelCount - 1
        while label >= 0 {
            let start = Int(starts[label])
            for offset in start...(start + Int(source[start])) {
                hash = fnv1a(hash, asciiLowercased(source[offset]))
            }
            hashes[label] = hash
            label -= 1
        }
        var matchedLabel = labelCount
        var matchedOffset = 0
        if compress {
            search: for label in 0..<labelCount {
                for suffix in suffixes where suffix.hash == hashes[label]
                    && suffixMatches(source, from: Int(starts[label]), at: Int(suffix.offset)) {
                    matchedLabel = label
                    matchedOffset = Int(suffix.offset)
                    break search
                }
            }
        }
        for label in 0..<matchedLabel {
            let start = Int(starts[label])
            if bytes.count <= 0x3FFF {
                suffixes.append((hashes[label], UInt16(bytes.count)))
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[start...(start + Int(source[start]))]))
        }
        if matchedLabel < labelCount {
            writeUInt16(0xC000 | UInt16(matchedOffset))
        } else {
            bytes.append(0)
        }
    }

    /// True when the name written at `offset` (following our own pointers) has exactly the labels of
    /// `source` from `start` on, ignoring case.
    private func suffixMatches(_ source: UnsafeBufferPointer<UInt8>, from start: Int, at offset: Int) -> Bool {
        var position = offset
        var sourceIndex = start
        while true {
            var byte = bytes[position]
            while byte & 0xC0 == 0xC0 {
                position = Int(byte & 0x3F) << 8 | Int(bytes[position + 1])
                byte = bytes[position]
            }
            if sourceIndex == source.count { return byte == 0 }
            guard byte == source[sourceIndex] else { return false }
            for index in 1...Int(byte)
            where asciiLowercased(bytes[position + index]) != asciiLowercased(source[sourceIndex + index]) {
                return false
            }
            position += 1 + Int(byte)
            sourceIndex += 1 + Int(byte)
        }
    }
}
