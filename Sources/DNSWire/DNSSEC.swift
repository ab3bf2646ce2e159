/// DNSSEC record data (RFC 4034: DNSKEY, RRSIG, NSEC, DS; RFC 7344: CDS, CDNSKEY) and the canonical
/// forms signing needs (§6). The records travel as `RData.unknown(type:data:)` wire octets; these types
/// build them, read them back, and show them as zone files do. Cryptography is not here: this module
/// says which octets a signature or a DS digest covers, and a module with a crypto library computes it.
public enum DNSSEC {
    /// Algorithm numbers (RFC 8624) of the algorithms Switchyard signs with.
    public static let ecdsaP256SHA256: UInt8 = 13
    public static let ed25519: UInt8 = 15
    /// DS digest type SHA-256 (RFC 4509).
    public static let sha256: UInt8 = 2
}

/// A DNSKEY (or CDNSKEY) record's data (RFC 4034 §2).
public struct DNSKEY: Hashable, Sendable, CustomStringConvertible {
    /// 257 (Zone Key + Secure Entry Point) for a key-signing or combined key, 256 for a zone-signing key.
    public var flags: UInt16
    public var algorithm: UInt8
    public var publicKey: [UInt8]
    /// Always 3 (§2.1.2).
    public var protocolNumber: UInt8 = 3

    public init(flags: UInt16, algorithm: UInt8, publicKey: [UInt8]) {
        self.flags = flags
        self.algorithm = algorithm
        self.publicKey = publicKey
    }

    public init(rdata: [UInt8]) throws(DNSWireError) {
        guard rdata.count >= 4 else { throw .badRData(at: 0, type: .dnskey, reason: "a DNSKEY is at least 4 octets, not \(rdata.count)") }
        flags = UInt16(rdata[0]) << 8 | UInt16(rdata[1])
        protocolNumber = rdata[2]
        algorithm = rdata[3]
        publicKey = Array(rdata[4...])
    }

    public var rdata: [UInt8] {
        [UInt8(flags >> 8), UInt8(flags & 0xFF), protocolNumber, algorithm] + publicKey
    }

    /// The key tag (RFC 4034 Appendix B): the ones'-complement-style sum every RRSIG and DS names it by.
    public var keyTag: UInt16 {
        var sum: UInt32 = 0
        for (index, byte) in rdata.enumerated() {
            sum += index & 1 == 0 ? UInt32(byte) << 8 : UInt32(byte)
        }
        sum += sum >> 16 & 0xFFFF
        return UInt16(sum & 0xFFFF)
    }

    /// Whether the Secure Entry Point flag is set (a key a DS points at).
    public var isSecureEntryPoint: Bool { flags & 1 == 1 }

    /// What a DS digest of this key at `owner` covers (RFC 4034 §5.1.4): the owner in canonical wire
    /// form, then this RDATA.
    public func digestInput(owner: Name) -> [UInt8] {
        owner.canonicalWire + rdata
    }

    /// `257 3 13 <base64>`.
    public var description: String { "\(flags) \(protocolNumber) \(algorithm) \(Base64.encode(publicKey))" }
}

/// A DS (or CDS) record's data (RFC 4034 §5).
public struct DS: Hashable, Sendable, CustomStringConvertible {
    public var keyTag: UInt16
    public var algorithm: UInt8
    public var digestType: UInt8
    public var digest: [UInt8]

    public init(keyTag: UInt16, algorithm: UInt8, digestType: UInt8, digest: [UInt8]) {
        self.keyTag = keyTag
        self.algorithm = algorithm
        self.digestType = digestType
        self.digest = digest
    }

    public init(rdata: [UInt8]) throws(DNSWireError) {
        guard rdata.count >= 4 else { throw .badRData(at: 0, type: .ds, reason: "a DS is at least 4 octets, not \(rdata.count)") }
        keyTag = UInt16(rdata[0]) << 8 | UInt16(rdata[1])
        algorithm = rdata[2]
        digestType = rdata[3]
        digest = Array(rdata[4...])
    }

    public var rdata: [UInt8] {
        [UInt8(keyTag >> 8), UInt8(keyTag & 0xFF), algorithm, digestType] + digest
    }

    /// `12345 13 2 <HEX>`, the digest in upper-case hex as BIND's tools print it.
    public var description: String {
        "\(keyTag) \(algorithm) \(digestType) " + digest.map { hexByte($0).uppercased() }.joined()
    }
}

/// An NSEC record's data (RFC 4034 §4): the next owner name and the types present at this owner.
public struct NSEC: Hashable, Sendable, CustomStringConvertible {
    public var next: Name
    /// Sorted, each once.
    public private(set) var types: [RRType]

    public init(next: Name, types: some Sequence<RRType>) {
        self.next = next
        self.types = Array(Set(types)).sorted { $0.rawValue < $1.rawValue }
    }

    public init(rdata: [UInt8]) throws(DNSWireError) {
        let parsed = rdata.withUnsafeBytes { bytes in
            Result { () throws(DNSWireError) -> (Name, Int) in
                var reader = WireReader(bytes)
                let name = try reader.readName()
                return (name, reader.offset)
            }
        }
        let (next, offset) = try parsed.get()
        self.next = next
        types = try Self.types(fromBitmap: Array(rdata[offset...]))
    }

    /// The next name uncompressed and as written (RFC 6840 §5.1: not lower-cased), then the type bitmap.
    public var rdata: [UInt8] {
        var writer = WireWriter(capacity: next.wireLength + 34)
        writer.writeName(next, compress: false)
        return writer.bytes + Self.bitmap(types)
    }

    /// The type bitmap (§4.1.2): for each window of 256 types that has any, its number, the length of its
    /// bitmap (trailing zero octets left out), and the bitmap, the highest bit of the first octet for
    /// the window's type 0.
    public static func bitmap(_ types: [RRType]) -> [UInt8] {
        var windows: [UInt8: [UInt8]] = [:]
        for type in types {
            let window = UInt8(type.rawValue >> 8)
            let low = Int(type.rawValue & 0xFF)
            var bits = windows[window] ?? []
            if bits.count <= low / 8 { bits += [UInt8](repeating: 0, count: low / 8 + 1 - bits.count) }
            bits[low / 8] |= 0x80 >> UInt8(low % 8)
            windows[window] = bits
        }
        return windows.keys.sorted().flatMap { window in [window, UInt8(windows[window]!.count)] + windows[window]! }
    }

    static func types(fromBitmap bitmap: [UInt8]) throws(DNSWireError) -> [RRType] {
        var types: [RRType] = []
        var index = 0
        var previous: Int = -1
        while index < bitmap.count {
            guard index + 2 <= bitmap.count else { throw .badRData(at: index, type: .nsec, reason: "a type bitmap window is cut short") }
            let window = Int(bitmap[index])
            let length = Int(bitmap[index + 1])
            guard window > previous, (1...32).contains(length), index + 2 + length <= bitmap.count else {
                throw .badRData(at: index, type: .nsec, reason: "type bitmap windows go in increasing order, each 1 to 32 octets")
            }
            for octet in 0..<length {
                let bits = bitmap[index + 2 + octet]
                for bit in 0..<8 where bits & (0x80 >> UInt8(bit)) != 0 {
                    types.append(RRType(UInt16(window << 8 | octet * 8 + bit)))
                }
            }
            previous = window
            index += 2 + length
        }
        return types
    }

    /// `next.example. A RRSIG NSEC`.
    public var description: String { ([next.description] + types.map(\.description)).joined(separator: " ") }
}

/// An RRSIG record's data (RFC 4034 §3).
public struct RRSIG: Hashable, Sendable, CustomStringConvertible {
    public var typeCovered: RRType
    public var algorithm: UInt8
    /// Labels of the owner, not counting the root or a leading `*` (§3.1.3).
    public var labels: UInt8
    public var originalTTL: UInt32
    /// Seconds since 1970, as serial numbers (RFC 1982) in 32 bits.
    public var expiration: UInt32
    public var inception: UInt32
    public var keyTag: UInt16
    public var signer: Name
    public var signature: [UInt8]

    public init(typeCovered: RRType, algorithm: UInt8, labels: UInt8, originalTTL: UInt32, expiration: UInt32, inception: UInt32,
                keyTag: UInt16, signer: Name, signature: [UInt8] = []) {
        self.typeCovered = typeCovered
        self.algorithm = algorithm
        self.labels = labels
        self.originalTTL = originalTTL
        self.expiration = expiration
        self.inception = inception
        self.keyTag = keyTag
        self.signer = signer
        self.signature = signature
    }

    public init(rdata: [UInt8]) throws(DNSWireError) {
        let parsed = rdata.withUnsafeBytes { bytes in
            Result { () throws(DNSWireError) -> RRSIG in
                var reader = WireReader(bytes)
                let type = RRType(try reader.readUInt16())
                let algorithm = try reader.readUInt8()
                let labels = try reader.readUInt8()
                let ttl = try reader.readUInt32()
                let expiration = try reader.readUInt32()
                let inception = try reader.readUInt32()
                let keyTag = try reader.readUInt16()
                let signer = try reader.readName()
                let signature = try reader.readBytes(bytes.count - reader.offset)
                return RRSIG(typeCovered: type, algorithm: algorithm, labels: labels, originalTTL: ttl, expiration: expiration,
                             inception: inception, keyTag: keyTag, signer: signer, signature: signature)
            }
        }
        self = try parsed.get()
    }

    /// The fields before the signature, the signer's name lower-cased and uncompressed (§3.1.8.1).
    var headerWire: [UInt8] {
        var writer = WireWriter(capacity: 18 + signer.wireLength)
        writer.writeUInt16(typeCovered.rawValue)
        writer.writeUInt8(algorithm)
        writer.writeUInt8(labels)
        writer.writeUInt32(originalTTL)
        writer.writeUInt32(expiration)
        writer.writeUInt32(inception)
        writer.writeUInt16(keyTag)
        writer.writeName(signer.lowercased(), compress: false)
        return writer.bytes
    }

    public var rdata: [UInt8] { headerWire + signature }

    /// The octets the signature covers (§3.1.8.1, §6): these RRSIG fields without the signature, then each
    /// record of the RRset at `owner` in canonical form (the owner lower-cased, or `*.` and the last
    /// `labels` labels for a wildcard expansion; the original TTL), in canonical order of their RDATA,
    /// duplicates once.
    public func signedData(owner: Name, rrClass: RRClass = .internet, rdatas: [RData]) -> [UInt8] {
        var name = owner.lowercased()
        if owner.labelCount > Int(labels) {
            let kept = Array(name.labels.suffix(Int(labels)))
            name = (try? Name(labels: [Array("*".utf8)] + kept.map(Array.init))) ?? name
        }
        let ownerWire = name.canonicalWire
        let canonical = Array(Set(rdatas.map(\.canonicalRDATA))).sorted { $0.lexicographicallyPrecedes($1) }
        var out = headerWire
        for rdata in canonical {
            var writer = WireWriter(capacity: ownerWire.count + 10 + rdata.count)
            writer.writeBytes(ownerWire)
            writer.writeUInt16(typeCovered.rawValue)
            writer.writeUInt16(rrClass.rawValue)
            writer.writeUInt32(originalTTL)
            writer.writeUInt16(UInt16(rdata.count))
            writer.writeBytes(rdata)
            out += writer.bytes
        }
        return out
    }

    /// `A 13 3 300 20261213000000 20261129000000 12345 example.com. <base64>`.
    public var description: String {
        "\(typeCovered) \(algorithm) \(labels) \(originalTTL) \(Self.time(expiration)) \(Self.time(inception)) \(keyTag) \(signer.lowercased()) "
            + Base64.encode(signature)
    }

    /// `YYYYMMDDHHmmSS` in UTC (§3.2), from seconds since 1970.
    static func time(_ seconds: UInt32) -> String {
        var days = Int(seconds / 86_400)
        let rest = Int(seconds % 86_400)
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        days += 719_468
        let era = days / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)\(two(month))\(two(day))\(two(rest / 3600))\(two(rest / 60 % 60))\(two(rest % 60))"
    }
}

extension Name {
    /// The name in canonical wire form (RFC 4034 §6.2): uncompressed, lower-cased.
    public var canonicalWire: [UInt8] {
        var writer = WireWriter(capacity: wireLength)
        writer.writeName(lowercased(), compress: false)
        return writer.bytes
    }
}

extension RData {
    /// The RDATA in canonical form (RFC 4034 §6.2, RFC 6840 §5.1): uncompressed, the names of the types
    /// held typed here (NS, CNAME, PTR, MX, SOA, SRV) lower-cased. Data kept as octets is as written.
    public var canonicalRDATA: [UInt8] {
        switch self {
        case .ns(let name): return RData.ns(name.lowercased()).wireBytes
        case .cname(let name): return RData.cname(name.lowercased()).wireBytes
        case .ptr(let name): return RData.ptr(name.lowercased()).wireBytes
        case .mx(var mx):
            mx.exchange = mx.exchange.lowercased()
            return RData.mx(mx).wireBytes
        case .soa(var soa):
            soa.primary = soa.primary.lowercased()
            soa.contact = soa.contact.lowercased()
            return RData.soa(soa).wireBytes
        case .srv(var srv):
            srv.target = srv.target.lowercased()
            return RData.srv(srv).wireBytes
        default:
            return wireBytes
        }
    }
}

/// RFC 4648 base64, for the presentation of keys and signatures.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0..<4 {
                out.append(position <= chunk.count ? alphabet[Int(value >> (18 - 6 * UInt32(position)) & 0x3F)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
