extension RData: CustomStringConvertible {
    /// The types with a typed form here; any other type's data is read and written as RFC 3597 `\#`.
    static let typedTypes: Set<RRType> = [.a, .aaaa, .ns, .cname, .ptr, .mx, .soa, .txt, .srv, .caa]

    /// Reads record data of `type` in presentation (zone-file) form, class IN: `"10 mail.example.com."`
    /// for MX, `"v=spf1 -all"` for TXT. Relative names get `origin` appended (see `Name.init(_:origin:)`).
    ///
    /// Every type also accepts RFC 3597's generic form `\# <length> <hex>`; types not listed in
    /// `typedTypes` accept only that. A TXT field longer than 255 octets is split into 255-octet strings.
    public init(type: RRType, presentation text: some StringProtocol, origin: Name? = nil) throws(PresentationError) {
        let tokens = try scanPresentation(text)
        let shown = "\"\(text)\""
        if let first = tokens.first, !first.isQuoted, first.raw == [UInt8(ascii: "\\"), UInt8(ascii: "#")] {
            self = try Self.generic(type: type, tokens: tokens.dropFirst(), shown: shown)
            return
        }
        func expect(_ count: Int, _ form: String) throws(PresentationError) {
            guard tokens.count == count else {
                throw PresentationError("invalid \(type) data \(shown); expected \(form)")
            }
        }
        switch type {
        case .a:
            try expect(1, "an IPv4 address such as \"192.0.2.1\"")
            guard let address = IPv4Address(tokens[0].text) else {
                throw PresentationError("invalid A data \(shown); expected an IPv4 address such as \"192.0.2.1\"")
            }
            self = .a(address)
        case .aaaa:
            try expect(1, "an IPv6 address such as \"2001:db8::1\"")
            guard let address = IPv6Address(tokens[0].text) else {
                throw PresentationError("invalid AAAA data \(shown); expected an IPv6 address such as \"2001:db8::1\"")
            }
            self = .aaaa(address)
        case .ns, .cname, .ptr:
            try expect(1, "one domain name such as \"host.example.com.\"")
            let name = try Name(tokens[0].text, origin: origin)
            self = type == .ns ? .ns(name) : type == .cname ? .cname(name) : .ptr(name)
        case .mx:
            let form = "\"<preference> <exchange>\" such as \"10 mail.example.com.\""
            try expect(2, form)
            self = .mx(MX(preference: try uint16(tokens[0], "MX preference", form),
                          exchange: try Name(tokens[1].text, origin: origin)))
        case .soa:
            let form = "\"<primary> <contact> <serial> <refresh> <retry> <expire> <minimum>\""
            try expect(7, form)
            guard let serial = UInt32(tokens[2].text) else {
                throw PresentationError("invalid SOA serial \"\(tokens[2].text)\"; expected a number from 0 to 4294967295")
            }
            func time(_ index: Int, _ field: String) throws(PresentationError) -> UInt32 {
                guard let value = parseTimeValue(tokens[index].text) else {
                    throw PresentationError("invalid SOA \(field) \"\(tokens[index].text)\"; expected seconds, or units such as 1h or 2d")
                }
                return value
            }
            self = .soa(SOA(primary: try Name(tokens[0].text, origin: origin),
                            contact: try Name(tokens[1].text, origin: origin),
                            serial: serial, refresh: try time(3, "refresh"), retry: try time(4, "retry"),
                            expire: try time(5, "expire"), minimum: try time(6, "minimum")))
        case .txt:
            guard !tokens.isEmpty else {
                throw PresentationError("empty TXT data; expected one or more strings such as \"v=spf1 -all\"")
            }
            var strings: [[UInt8]] = []
            for token in tokens {
                strings.append(contentsOf: TXT(splitting: try token.unescaped()).strings)
            }
            self = .txt(try TXT(strings: strings))
        case .srv:
            let form = "\"<priority> <weight> <port> <target>\" such as \"10 5 443 host.example.com.\""
            try expect(4, form)
            self = .srv(SRV(priority: try uint16(tokens[0], "SRV priority", form),
                            weight: try uint16(tokens[1], "SRV weight", form),
                            port: try uint16(tokens[2], "SRV port", form),
                            target: try Name(tokens[3].text, origin: origin)))
        case .caa:
            let form = "\"<flags> <tag> <value>\" such as '0 issue \"letsencrypt.org\"'"
            try expect(3, form)
            guard let flags = UInt8(tokens[0].text) else {
                throw PresentationError("invalid CAA flags \"\(tokens[0].text)\"; expected a number from 0 to 255 (128 = critical)")
            }
            self = .caa(try CAA(flags: flags, tag: tokens[1].text, value: try tokens[2].unescaped()))
        case .ds, .cds:
            // The delegation signer of a signed child (RFC 4034 §5.3): the digest may be split by spaces.
            let form = "\"<key tag> <algorithm> <digest type> <hex digest>\" such as \"12345 13 2 49FD46E6…\""
            guard tokens.count >= 4, let keyTag = UInt16(tokens[0].text), let algorithm = UInt8(tokens[1].text),
                  let digestType = UInt8(tokens[2].text) else {
                throw PresentationError("invalid \(type) data \(shown); expected \(form)")
            }
            guard let (digest, halfOctet) = hexOctets(tokens.dropFirst(3)) else {
                throw PresentationError("invalid hex digest in \(type) data \(shown); expected \(form)")
            }
            guard !halfOctet else { throw PresentationError("\(type) digest in \(shown) has an odd number of hex digits") }
            self = .unknown(type: type, data: DS(keyTag: keyTag, algorithm: algorithm, digestType: digestType, digest: digest).rdata)
        default:
            throw PresentationError("\(type) data \(shown) has no typed form here; write it as \\# <length> <hex>, such as \"\\# 4 0a000001\"")
        }
    }

    /// Reads RFC 3597's `\# <length> <hex…>` (the `\#` already consumed).
    private static func generic(type: RRType, tokens: ArraySlice<PresentationToken>,
                                shown: String) throws(PresentationError) -> RData {
        let form = "\\# <length> <hex>, such as \"\\# 4 0a000001\""
        guard let lengthToken = tokens.first, let length = UInt16(lengthToken.text) else {
            throw PresentationError("invalid generic data \(shown); expected \(form)")
        }
        guard let (data, halfOctet) = hexOctets(tokens.dropFirst()) else {
            throw PresentationError("invalid hex in generic data \(shown); expected \(form)")
        }
        guard !halfOctet, data.count == Int(length) else {
            throw PresentationError("generic data \(shown) says \(length) octets but holds \(data.count)\(halfOctet ? " and a half" : ""); the length must match the hex")
        }
        guard typedTypes.contains(type) else { return .unknown(type: type, data: data) }
        let result = data.withUnsafeBytes { bytes in
            Result { () throws(DNSWireError) in
                var reader = WireReader(bytes)
                return try RData.read(from: &reader, type: type, rrClass: .internet, length: data.count)
            }
        }
        switch result {
        case .success(let rdata): return rdata
        case .failure(let error): throw PresentationError("generic data \(shown) is not valid \(type) data: \(error)")
        }
    }

    /// The presentation form, as a zone file or `dig` writes it.
    public var description: String {
        switch self {
        case .a(let address): address.description
        case .aaaa(let address): address.description
        case .ns(let name), .cname(let name), .ptr(let name): name.description
        case .mx(let mx): "\(mx.preference) \(mx.exchange)"
        case .soa(let soa):
            "\(soa.primary) \(soa.contact) \(soa.serial) \(soa.refresh) \(soa.retry) \(soa.expire) \(soa.minimum)"
        case .txt(let txt): txt.strings.map(quotedCharacterString).joined(separator: " ")
        case .srv(let srv): "\(srv.priority) \(srv.weight) \(srv.port) \(srv.target)"
        case .caa(let caa): "\(caa.flags) \(caa.tag) \(quotedCharacterString(caa.value))"
        case .unknown(let type, let data):
            Self.dnssecDescription(type: type, data: data)
                ?? (data.isEmpty ? "\\# 0" : "\\# \(data.count) " + data.map { hexByte($0) }.joined())
        }
    }
}

extension RData {
    /// The DNSSEC types' presentation form, as BIND's tools print them; nil for other types or data that
    /// does not parse as its type.
    static func dnssecDescription(type: RRType, data: [UInt8]) -> String? {
        switch type {
        case .ds, .cds: (try? DS(rdata: data))?.description
        case .dnskey, .cdnskey: (try? DNSKEY(rdata: data))?.description
        case .rrsig: (try? RRSIG(rdata: data))?.description
        case .nsec: (try? NSEC(rdata: data))?.description
        default: nil
        }
    }
}

/// The octets that hex digits spread over `tokens` spell, and whether a last digit was left over; nil
/// when a token holds anything but hex digits.
private func hexOctets(_ tokens: some Sequence<PresentationToken>) -> (octets: [UInt8], halfOctet: Bool)? {
    var octets: [UInt8] = []
    var pending: UInt8? = nil
    for byte in tokens.lazy.flatMap(\.raw) {
        guard let nibble = hexValue(byte) else { return nil }
        if let high = pending {
            octets.append(high << 4 | nibble)
            pending = nil
        } else {
            pending = nibble
        }
    }
    return (octets, pending != nil)
}

/// Reads a 16-bit decimal field.
private func uint16(_ token: PresentationToken, _ field: String, _ form: String) throws(PresentationError) -> UInt16 {
    guard let value = UInt16(token.text) else {
        throw PresentationError("invalid \(field) \"\(token.text)\"; expected a number from 0 to 65535 in \(form)")
    }
    return value
}

/// A character-string in double quotes, with `"` and `\` escaped and non-printable octets as `\DDD`.
func quotedCharacterString(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = [UInt8(ascii: "\"")]
    for byte in bytes {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
            out.append(UInt8(ascii: "\\"))
            out.append(byte)
        case 0x20...0x7E:
            out.append(byte)
        default:
            appendDecimalEscape(byte, to: &out)
        }
    }
    out.append(UInt8(ascii: "\""))
    return String(decoding: out, as: UTF8.self)
}

func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef".utf8)
    return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
}
