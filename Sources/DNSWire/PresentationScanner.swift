/// One whitespace-separated field of zone-file text (RFC 1035 §5.1).
struct PresentationToken {
    /// The field as written, escapes intact, without surrounding quotes.
    var raw: [UInt8]
    var isQuoted: Bool

    var text: String { String(decoding: raw, as: UTF8.self) }

    /// The field with `\X` and `\DDD` escapes resolved, as a character-string holds it.
    func unescaped() throws(PresentationError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            index += 1
            try appendEscapedOctet(raw, at: &index, to: &out, in: "\"\(text)\"")
        }
        return out
    }
}

/// Splits zone-file text into fields: whitespace separates, `"…"` quotes (with backslash escapes
/// inside), parentheses only group lines, and `;` starts a comment to the end of the line.
func scanPresentation(_ text: some StringProtocol) throws(PresentationError) -> [PresentationToken] {
    let bytes = Array(text.utf8)
    var tokens: [PresentationToken] = []
    var index = 0
    while index < bytes.count {
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
             UInt8(ascii: "("), UInt8(ascii: ")"):
            index += 1
        case UInt8(ascii: ";"):
            while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
        case UInt8(ascii: "\""):
            index += 1
            var raw: [UInt8] = []
            var closed = false
            while index < bytes.count {
                let inner = bytes[index]
                if inner == UInt8(ascii: "\"") {
                    closed = true
                    index += 1
                    break
                }
                raw.append(inner)
                if inner == UInt8(ascii: "\\") && index + 1 < bytes.count {
                    raw.append(bytes[index + 1])
                    index += 1
                }
                index += 1
            }
            guard closed else { throw PresentationError("unterminated quoted string; close it with \"") }
            tokens.append(PresentationToken(raw: raw, isQuoted: true))
        default:
            tokens.append(PresentationToken(raw: scanBareField(bytes, from: &index), isQuoted: false))
        }
    }
    return tokens
}

/// An unquoted field from `index` to the next blank, parenthesis, `;` or `"`, escapes kept as written.
func scanBareField(_ bytes: [UInt8], from index: inout Int) -> [UInt8] {
    var raw: [UInt8] = []
    while index < bytes.count {
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
             UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ";"), UInt8(ascii: "\""):
            return raw
        case UInt8(ascii: "\\") where index + 1 < bytes.count:
            raw.append(byte)
            raw.append(bytes[index + 1])
            index += 2
        default:
            raw.append(byte)
            index += 1
        }
    }
    return raw
}

/// Reads a time in seconds: a plain number, or BIND's units (`1w2d3h4m5s`, case-insensitive).
/// Returns nil for anything else or a value above 2^32 − 1.
func parseTimeValue(_ text: some StringProtocol) -> UInt32? {
    var total: UInt64 = 0
    var current: UInt64 = 0
    var digits = 0
    var sawUnit = false
    for byte in text.utf8 {
        if isDecimalDigit(byte) {
            current = current * 10 + UInt64(byte - 48)
            digits += 1
            guard current <= UInt64(UInt32.max) else { return nil }
            continue
        }
        let multiplier: UInt64
        switch asciiLowercased(byte) {
        case UInt8(ascii: "s"): multiplier = 1
        case UInt8(ascii: "m"): multiplier = 60
        case UInt8(ascii: "h"): multiplier = 3600
        case UInt8(ascii: "d"): multiplier = 86400
        case UInt8(ascii: "w"): multiplier = 604_800
        default: return nil
        }
        guard digits > 0 else { return nil }
        total += current * multiplier
        guard total <= UInt64(UInt32.max) else { return nil }
        current = 0
        digits = 0
        sawUnit = true
    }
    // Trailing digits without a unit are seconds ("1h30" is 3630), as BIND reads them.
    if digits > 0 {
        total += current
    } else if !sawUnit {
        return nil
    }
    return total <= UInt64(UInt32.max) ? UInt32(total) : nil
}
