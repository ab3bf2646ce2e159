/// A resource record: owner name, class, TTL and typed data (the type comes from the data).
public struct ResourceRecord: Hashable, Sendable, CustomStringConvertible {
    public var name: Name
    public var rrClass: RRClass
    /// Seconds. Values above 2^31 − 1 read as 0 (RFC 2181 §8).
    public var ttl: UInt32
    public var data: RData

    public init(name: Name, ttl: UInt32, rrClass: RRClass = .internet, data: RData) {
        self.name = name
        self.rrClass = rrClass
        self.ttl = ttl
        self.data = data
    }

    public var type: RRType { data.type }

    /// Reads one zone-file line: `<owner> [<ttl>] [<class>] <type> <data>`, the TTL and class in either
    /// order. Relative names get `origin` appended; a missing TTL is `defaultTTL`.
    public init(zoneLine text: some StringProtocol, origin: Name? = nil,
                defaultTTL: UInt32 = 3600) throws(PresentationError) {
        let tokens = try scanPresentation(text)
        guard tokens.count >= 2 else {
            throw PresentationError("record \"\(text)\" is incomplete; expected \"<owner> [<ttl>] [<class>] <type> <data>\"")
        }
        name = try Name(tokens[0].text, origin: origin)
        ttl = defaultTTL
        rrClass = .internet
        var index = 1
        var type: RRType? = nil
        while index < tokens.count, type == nil {
            let token = tokens[index].text
            if let value = parseTimeValue(token), token.first?.isASCIIDigit == true {
                ttl = value
            } else if let parsedClass = RRClass(mnemonic: token) {
                rrClass = parsedClass
            } else if let parsedType = RRType(mnemonic: token) {
                type = parsedType
            } else {
                throw PresentationError("unknown field \"\(token)\" in record \"\(text)\"; expected a TTL, a class such as IN, or a type such as A")
            }
            index += 1
        }
        guard let type else {
            throw PresentationError("record \"\(text)\" has no type; expected a type such as A, AAAA, MX or TXT")
        }
        // Hand the data fields on as text again, quotes restored, for the type's own parser.
        let rest = tokens[index...].map { $0.isQuoted ? quotedRaw($0.raw) : $0.text }.joined(separator: " ")
        data = try RData(type: type, presentation: rest, origin: origin)
    }

    /// `www.example.com.	60	IN	A	192.0.2.1`, as `dig` and zone files show it.
    public var description: String { "\(name)\t\(ttl)\t\(rrClass)\t\(type)\t\(data)" }
}

/// A token's raw text back in quotes, escapes untouched.
private func quotedRaw(_ raw: [UInt8]) -> String {
    "\"" + String(decoding: raw, as: UTF8.self) + "\""
}
