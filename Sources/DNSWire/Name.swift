/// A domain name, kept in its uncompressed wire form with the case it was written in.
///
/// Names compare and hash case-insensitively (RFC 4343) and order canonically (RFC 4034 §6.1), so they
/// can key dictionaries and sort zones; the original case is kept so an answer can echo the question
/// exactly. Every `Name` value is valid: labels of 1–63 octets, at most 255 octets in wire form.
public struct Name: Sendable {
    /// The labels as length-prefixed runs, without the final root label: `www.example.` is
    /// `03 w w w 07 e x a m p l e`. The root name is empty.
    public private(set) var labelBytes: [UInt8]

    /// Wraps bytes already known to be a valid label run.
    init(validatedLabelBytes: [UInt8]) {
        self.labelBytes = validatedLabelBytes
    }

    /// The root name, `.`.
    public static let root = Name(validatedLabelBytes: [])

    /// Builds a name from its labels, most specific first.
    ///
    /// Throws when a label is empty or longer than 63 octets, or the name exceeds 255 octets.
    public init(labels: [some Collection<UInt8>]) throws(PresentationError) {
        var bytes: [UInt8] = []
        for label in labels {
            guard !label.isEmpty else { throw PresentationError("empty label in a name; labels are 1 to 63 octets") }
            guard label.count <= 63 else {
                throw PresentationError("label of \(label.count) octets; labels are at most 63 octets")
            }
            bytes.append(UInt8(label.count))
            bytes.append(contentsOf: label)
        }
        guard bytes.count + 1 <= 255 else {
            throw PresentationError("name of \(bytes.count + 1) octets; names are at most 255 octets in wire form")
        }
        self.labelBytes = bytes
    }

    public var isRoot: Bool { labelBytes.isEmpty }

    /// Octets this name takes on the wire uncompressed, the root label included.
    public var wireLength: Int { labelBytes.count + 1 }

    /// The number of labels, not counting the root.
    public var labelCount: Int {
        var count = 0
        var index = 0
        while index < labelBytes.count {
            count += 1
            index += 1 + Int(labelBytes[index])
        }
        return count
    }

    /// The labels, most specific first, each without its length byte.
    public var labels: [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var index = 0
        while index < labelBytes.count {
            let length = Int(labelBytes[index])
            result.append(labelBytes[(index + 1)..<(index + 1 + length)])
            index += 1 + length
        }
        return result
    }

    /// True when the first label is `*` (RFC 4592).
    public var isWildcard: Bool {
        labelBytes.count >= 2 && labelBytes[0] == 1 && labelBytes[1] == UInt8(ascii: "*")
    }

    /// The name with its first label removed, or nil for the root.
    public var parent: Name? {
        guard !labelBytes.isEmpty else { return nil }
        return Name(validatedLabelBytes: Array(labelBytes[(1 + Int(labelBytes[0]))...]))
    }

    /// This name with `label` put in front (`www` + `example.com.` = `www.example.com.`).
    public func prepending(label: some Collection<UInt8>) throws(PresentationError) -> Name {
        try Name(labels: [Array(label)]).appending(self)
    }

    /// This name followed by `suffix`: how a relative name is made absolute against an origin.
    public func appending(_ suffix: Name) throws(PresentationError) -> Name {
        let total = labelBytes.count + suffix.labelBytes.count + 1
        guard total <= 255 else {
            throw PresentationError("name of \(total) octets; names are at most 255 octets in wire form")
        }
        return Name(validatedLabelBytes: labelBytes + suffix.labelBytes)
    }

    /// True when this name is `ancestor` or lies below it, comparing whole labels without regard to case.
    public func isSubdomain(of ancestor: Name) -> Bool {
        let suffixLength = ancestor.labelBytes.count
        guard suffixLength <= labelBytes.count else { return false }
        var index = 0
        while labelBytes.count - index > suffixLength {
            index += 1 + Int(labelBytes[index])
        }
        guard labelBytes.count - index == suffixLength else { return false }
        for offset in 0..<suffixLength
        where asciiLowercased(labelBytes[index + offset]) != asciiLowercased(ancestor.labelBytes[offset]) {
            return false
        }
        return true
    }

    /// The same name in lower case, as DNSSEC's canonical form and case-folded keys want it.
    public func lowercased() -> Name {
        Name(validatedLabelBytes: labelBytes.map(asciiLowercased))
    }
}

extension Name: Hashable {
    public static func == (lhs: Name, rhs: Name) -> Bool {
        guard lhs.labelBytes.count == rhs.labelBytes.count else { return false }
        return lhs.labelBytes.withUnsafeBufferPointer { l in
            rhs.labelBytes.withUnsafeBufferPointer { r in
                // Records of one RRset usually share their owner's storage: then no byte needs a look.
                if l.baseAddress == r.baseAddress { return true }
                // Length bytes are at most 63, below "A", so folding them is harmless.
                for index in 0..<l.count where asciiLowercased(l[index]) != asciiLowercased(r[index]) {
                    return false
                }
                return true
            }
        }
    }

    public func hash(into hasher: inout Hasher) {
        var hash = fnv1aSeed
        for byte in labelBytes {
            hash = fnv1a(hash, asciiLowercased(byte))
        }
        hasher.combine(hash)
        hasher.combine(labelBytes.count)
    }
}

extension Name: Comparable {
    /// Canonical DNS name order (RFC 4034 §6.1): compare label by label from the root down, each label as
    /// a lower-cased octet string, a missing label sorting first. `example.` < `a.example.` < `z.example.`.
    public static func < (lhs: Name, rhs: Name) -> Bool {
        lhs.labelBytes.withUnsafeBufferPointer { l in
            rhs.labelBytes.withUnsafeBufferPointer { r in
                withLabelStarts(l) { lStarts in
                    withLabelStarts(r) { rStarts in
                        var li = lStarts.count - 1
                        var ri = rStarts.count - 1
                        while li >= 0 && ri >= 0 {
                            let order = compareLabels(l, Int(lStarts[li]), r, Int(rStarts[ri]))
                            if order != 0 { return order < 0 }
                            li -= 1
                            ri -= 1
                        }
                        return li < 0 && ri >= 0
                    }
                }
            }
        }
    }
}

extension Name {
    /// A byte string whose plain lexicographic order is the canonical order of RFC 4034 §6.1, for
    /// sorting many names with one key each instead of label-by-label comparisons.
    ///
    /// Labels go from the root outwards, lower-cased, each closed by 0x00; octets 0x00 and 0x01 inside a
    /// label are escaped as 0x01 0x01 and 0x01 0x02, which keeps their order and keeps 0x00 the smallest.
    public var canonicalSortKey: [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(labelBytes.count + 1)
        var starts: [Int] = []
        var index = 0
        while index < labelBytes.count {
            starts.append(index)
            index += 1 + Int(labelBytes[index])
        }
        for start in starts.reversed() {
            for byte in labelBytes[(start + 1)..<(start + 1 + Int(labelBytes[start]))] {
                let folded = asciiLowercased(byte)
                if folded <= 1 {
                    key.append(1)
                    key.append(folded + 1)
                } else {
                    key.append(folded)
                }
            }
            key.append(0)
        }
        return key
    }
}

/// Calls `body` with the offset of each label in `bytes`, on the stack: a name has at most 127 labels.
private func withLabelStarts<R>(_ bytes: UnsafeBufferPointer<UInt8>,
                                _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { starts in
        var count = 0
        var index = 0
        while index < bytes.count {
            starts[count] = UInt8(index)
            count += 1
            index += 1 + Int(bytes[index])
        }
        return body(UnsafeBufferPointer(rebasing: starts[0..<count]))
    }
}

/// Orders two labels as lower-cased octet strings, a shorter prefix first. Returns <0, 0 or >0.
private func compareLabels(_ l: UnsafeBufferPointer<UInt8>, _ lStart: Int,
                           _ r: UnsafeBufferPointer<UInt8>, _ rStart: Int) -> Int {
    let lLength = Int(l[lStart])
    let rLength = Int(r[rStart])
    let common = min(lLength, rLength)
    var offset = 1
    while offset <= common {
        let a = asciiLowercased(l[lStart + offset])
        let b = asciiLowercased(r[rStart + offset])
        if a != b { return Int(a) - Int(b) }
        offset += 1
    }
    return lLength - rLength
}
