extension Name: CustomStringConvertible, CustomDebugStringConvertible {
    /// Reads a name in presentation format (RFC 1035 §5.1; RFC 4343 §2.1 for escapes).
    ///
    /// `\.` is a dot inside a label, `\X` the character X, `\DDD` the octet with that decimal value.
    /// `@` is `origin`. A name without a final dot is relative and gets `origin` appended; with no origin it
    /// is read as absolute. Unescaped whitespace, control and non-ASCII characters are refused
    /// (internationalized names are written in their `xn--` form).
    public init(_ text: some StringProtocol, origin: Name? = nil) throws(PresentationError) {
        let bytes = Array(text.utf8)
        let quoted = "\"\(text)\""
        guard !bytes.isEmpty else {
            throw PresentationError("empty name; write \".\" for the root or \"@\" for the zone's origin")
        }
        if bytes == [UInt8(ascii: "@")] {
            guard let origin else { throw PresentationError("\"@\" used where no origin is known; write the full name") }
            self = origin
            return
        }
        if bytes == [UInt8(ascii: ".")] {
            self = .root
            return
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 1)
        var labelStart = 0
        var index = 0
        var isAbsolute = false

        func closeLabel() throws(PresentationError) {
            let length = out.count - labelStart - 1
            guard length > 0 else {
                throw PresentationError("empty label in name \(quoted); labels are 1 to 63 characters separated by single dots")
            }
            guard length <= 63 else {
                throw PresentationError("label of \(length) characters in name \(quoted); labels are at most 63 characters")
            }
            out[labelStart] = UInt8(length)
        }

        out.append(0)
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "."):
                try closeLabel()
                index += 1
                if index == bytes.count {
                    isAbsolute = true
                } else {
                    labelStart = out.count
                    out.append(0)
                }
                continue
            case UInt8(ascii: "\\"):
                index += 1
                try appendEscapedOctet(bytes, at: &index, to: &out, in: "name \(quoted)")
            case 0x00...0x20, 0x7F:
                throw PresentationError("whitespace or control character in name \(quoted); escape it as \\DDD (a space is \\032)")
            case 0x80...:
                throw PresentationError("non-ASCII character in name \(quoted); write internationalized names in their xn-- form")
            default:
                out.append(byte)
                index += 1
            }
        }
        if !isAbsolute {
            try closeLabel()
        }
        var name = Name(validatedLabelBytes: out)
        guard out.count + 1 <= 255 else {
            throw PresentationError("name \(quoted) is \(out.count + 1) octets; names are at most 255 octets in wire form")
        }
        if !isAbsolute, let origin {
            name = try name.appending(origin)
        }
        self = name
    }

    /// The absolute presentation form, with the final dot: `www.example.com.`, `.` for the root.
    public var description: String {
        if labelBytes.isEmpty { return "." }
        var out: [UInt8] = []
        out.reserveCapacity(labelBytes.count + 1)
        var index = 0
        while index < labelBytes.count {
            let length = Int(labelBytes[index])
            for byte in labelBytes[(index + 1)...(index + length)] {
                appendEscapedNameByte(byte, to: &out)
            }
            out.append(UInt8(ascii: "."))
            index += 1 + length
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var debugDescription: String { "Name(\(description))" }

    /// The shortest form that reads back as this name against `origin`: `@` for the origin itself, the
    /// leading labels for a name below it (`www`), the absolute form otherwise.
    public func relativeDescription(to origin: Name) -> String {
        guard isSubdomain(of: origin) else { return description }
        if labelBytes.count == origin.labelBytes.count { return "@" }
        // The origin's text plus the dot before it; for the root origin, just the final dot.
        let suffixLength = origin.isRoot ? 1 : origin.description.utf8.count + 1
        return String(description.utf8.dropLast(suffixLength))!
    }
}

/// Appends one label octet in presentation form: the characters that delimit names and zone-file tokens
/// get a backslash, anything outside printable ASCII is written `\DDD`.
func appendEscapedNameByte(_ byte: UInt8, to out: inout [UInt8]) {
    switch byte {
    case UInt8(ascii: "."), UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: ";"),
         UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "@"), UInt8(ascii: "$"):
        out.append(UInt8(ascii: "\\"))
        out.append(byte)
    case 0x21...0x7E:
        out.append(byte)
    default:
        appendDecimalEscape(byte, to: &out)
    }
}

/// Appends `\DDD` for `byte`.
func appendDecimalEscape(_ byte: UInt8, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\\"))
    out.append(UInt8(ascii: "0") + byte / 100)
    out.append(UInt8(ascii: "0") + byte / 10 % 10)
    out.append(UInt8(ascii: "0") + byte % 10)
}

@inline(__always)
func isDecimalDigit(_ byte: UInt8) -> Bool {
    byte &- UInt8(ascii: "0") < 10
}

/// Resolves the escape whose backslash is just before `index` (`\X` or `\DDD`): appends the octet it
/// stands for and moves `index` past it. `shown` names the text in errors (`name "a\"`).
func appendEscapedOctet(_ bytes: [UInt8], at index: inout Int, to out: inout [UInt8],
                        in shown: String) throws(PresentationError) {
    guard index < bytes.count else {
        throw PresentationError("\(shown) ends with a lone backslash; escape it as \\\\")
    }
    if let value = decimalEscape(bytes, at: index) {
        out.append(value)
        index += 3
    } else if isDecimalDigit(bytes[index]) {
        throw PresentationError("bad escape in \(shown); \\DDD takes exactly three digits from 000 to 255")
    } else {
        out.append(bytes[index])
        index += 1
    }
}

/// The value of a `DDD` escape starting at `index` (just after the backslash), or nil when the three
/// characters there are not digits or exceed 255.
func decimalEscape(_ bytes: [UInt8], at index: Int) -> UInt8? {
    guard index + 2 < bytes.count,
          isDecimalDigit(bytes[index]), isDecimalDigit(bytes[index + 1]), isDecimalDigit(bytes[index + 2])
    else { return nil }
    let value = Int(bytes[index] - 48) * 100 + Int(bytes[index + 1] - 48) * 10 + Int(bytes[index + 2] - 48)
    return value <= 255 ? UInt8(value) : nil
}
