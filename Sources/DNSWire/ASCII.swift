/// ASCII-only case folding, as DNS names compare (RFC 4343): bytes outside `A`–`Z` are left alone.
@inline(__always)
func asciiLowercased(_ byte: UInt8) -> UInt8 {
    byte &- 0x41 < 26 ? byte | 0x20 : byte
}

/// FNV-1a step over one byte, used for name hashes that must agree for names equal but for case.
@inline(__always)
func fnv1a(_ hash: UInt32, _ byte: UInt8) -> UInt32 {
    (hash ^ UInt32(byte)) &* 16_777_619
}

let fnv1aSeed: UInt32 = 2_166_136_261

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
