/// An IPv4 address, as A records and Client Subnet carry it.
public struct IPv4Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The address as a big-endian number: `192.0.2.1` is `0xC000_0201`.
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    public init(bytes: some Collection<UInt8>) {
        precondition(bytes.count == 4, "an IPv4 address is 4 octets")
        value = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Reads dotted-quad text (`192.0.2.1`): four decimal parts 0–255 with no leading zeros, as
    /// `inet_pton` reads them. Returns nil for anything else.
    public init?(_ text: some StringProtocol) {
        var value: UInt32 = 0
        var parts = 0
        var part = -1
        var digits = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard part >= 0, parts < 3 else { return nil }
                value = value << 8 | UInt32(part)
                parts += 1
                part = -1
                digits = 0
            } else if isDecimalDigit(byte) {
                if digits > 0 && part == 0 { return nil }  // leading zero: octal in some parsers, refused
                part = max(part, 0) * 10 + Int(byte - 48)
                digits += 1
                guard part <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard part >= 0, parts == 3 else { return nil }
        self.value = value << 8 | UInt32(part)
    }

    public var bytes: [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
         UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    public var description: String {
        bytes.map { String($0) }.joined(separator: ".")
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.value < rhs.value }
}

/// An IPv6 address, as AAAA records and Client Subnet carry it.
public struct IPv6Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The first 64 bits, big-endian.
    public var high: UInt64
    /// The last 64 bits, big-endian.
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public init(bytes: some Collection<UInt8>) {
        precondition(bytes.count == 16, "an IPv6 address is 16 octets")
        let array = Array(bytes)
        high = array[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = array[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Reads the text forms of RFC 4291 §2.2: eight groups of 1–4 hex digits, one `::` for a run of zero
    /// groups, and an optional dotted-quad IPv4 tail (`::ffff:192.0.2.1`). Returns nil for anything else,
    /// including zone indexes (`%eth0`), which have no place in DNS data.
    public init?(_ text: some StringProtocol) {
        let chars = Array(text.utf8)
        var groups: [UInt16] = []
        var gapAt: Int? = nil
        var index = 0
        if chars.starts(with: [UInt8(ascii: ":"), UInt8(ascii: ":")]) {
            gapAt = 0
            index = 2
        } else if chars.first == UInt8(ascii: ":") {
            return nil
        }
        while index < chars.count {
            // An IPv4 tail is the last group when it holds a dot.
            if chars[index...].contains(UInt8(ascii: ".")) && !chars[index...].contains(UInt8(ascii: ":")) {
                guard groups.count <= 6, let v4 = IPv4Address(String(decoding: chars[index...], as: UTF8.self))
                else { return nil }
                groups.append(UInt16(truncatingIfNeeded: v4.value >> 16))
                groups.append(UInt16(truncatingIfNeeded: v4.value))
                index = chars.count
                break
            }
            var group: UInt32 = 0
            var digits = 0
            while index < chars.count, let nibble = hexValue(chars[index]) {
                group = group << 4 | UInt32(nibble)
                digits += 1
                index += 1
                guard digits <= 4 else { return nil }
            }
            guard digits > 0 else { return nil }
            groups.append(UInt16(group))
            guard index < chars.count else { break }
            guard chars[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            if index < chars.count && chars[index] == UInt8(ascii: ":") {
                guard gapAt == nil else { return nil }
                gapAt = groups.count
                index += 1
            } else if index == chars.count {
                return nil  // a single trailing colon
            }
        }
        if let gapAt {
            guard groups.count <= 7 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gapAt)
        }
        guard groups.count == 8 else { return nil }
        high = groups[0..<4].reduce(0) { $0 << 16 | UInt64($1) }
        low = groups[4..<8].reduce(0) { $0 << 16 | UInt64($1) }
    }

    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    /// The eight 16-bit groups.
    public var groups: [UInt16] {
        (0..<4).map { UInt16(truncatingIfNeeded: high >> (48 - 16 * $0)) }
            + (0..<4).map { UInt16(truncatingIfNeeded: low >> (48 - 16 * $0)) }
    }

    /// The canonical text form of RFC 5952: lower-case hex without leading zeros, the longest run of two
    /// or more zero groups (the first of equal runs) written `::`.
    public var description: String {
        let groups = groups
        var bestStart = -1
        var bestLength = 1
        var runStart = -1
        for index in 0...8 {
            if index < 8 && groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart > bestLength {
                    bestStart = runStart
                    bestLength = index - runStart
                }
                runStart = -1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    public static func < (lhs: IPv6Address, rhs: IPv6Address) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

/// An IPv4 or IPv6 address.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    /// Reads either text form.
    public init?(_ text: some StringProtocol) {
        if let v4 = IPv4Address(text) {
            self = .v4(v4)
        } else if let v6 = IPv6Address(text) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    public var bytes: [UInt8] {
        switch self {
        case .v4(let address): address.bytes
        case .v6(let address): address.bytes
        }
    }

    /// The address with every bit past the first `prefixLength` cleared (lengths past 32 or 128 clear
    /// nothing).
    public func masked(to prefixLength: UInt8) -> IPAddress {
        switch self {
        case .v4(let v4):
            let mask: UInt32 = prefixLength == 0 ? 0 : prefixLength >= 32 ? ~0 : ~0 << (32 - UInt32(prefixLength))
            return .v4(IPv4Address(v4.value & mask))
        case .v6(let v6):
            let high: UInt64 = prefixLength == 0 ? 0 : prefixLength >= 64 ? ~0 : ~0 << (64 - UInt64(prefixLength))
            let low: UInt64 = prefixLength <= 64 ? 0 : prefixLength >= 128 ? ~0 : ~0 << (128 - UInt64(prefixLength))
            return .v6(IPv6Address(high: v6.high & high, low: v6.low & low))
        }
    }

    public var description: String {
        switch self {
        case .v4(let address): address.description
        case .v6(let address): address.description
        }
    }
}

@inline(__always)
func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}
