import DNSWire
import Model

/// The record types a Zone's data is usually written in; any other data type is taken too (in its own
/// form where DNSWire knows it, else as RFC 3597 `\#` data), except those `refusedRecordType` names.
let staticRecordTypes: [RRType] = [.a, .aaaa, .cname, .mx, .txt, .srv, .caa, .ns, .ptr]

/// Why a zone cannot list records of `type`, or nil when it can.
func refusedRecordType(_ type: RRType) -> (problem: String, allowed: String)? {
    switch type {
    case .soa:
        return ("SOA is not a record to list", "the SOA comes from spec.soa")
    case .dname:
        return ("DNAME is not served", "a DNAME needs CNAME synthesis at query time (RFC 6672), which this server does not do; list CNAMEs instead")
    case .rrsig, .nsec, .nsec3, .nsec3param, .dnskey, .cds, .cdnskey:
        return ("\(type) records are not listed", "DNSSEC records come from signing: set spec.dnssec and leave them out")
    case .zonemd:
        return ("ZONEMD is not listed", "a zone digest must cover the zone as served, which changes with health; leave it out")
    default:
        // 0, OPT and the meta and query types (128–255: TKEY, TSIG, IXFR, AXFR, ANY…) are not data.
        guard type.rawValue == 0 || type == .opt || (128...255).contains(type.rawValue) else { return nil }
        return ("\(type) is not a record type", "meta and query types (OPT, TSIG, AXFR, ANY…) hold no zone data")
    }
}

extension DocumentDecoder {
    static let zoneFields = ["ttl", "soa", "nameservers", "secondaries", "records", "dnssec"]
    /// The TTL of static records when a zone sets none: an hour, as zone files commonly use.
    static let defaultZoneTTL: UInt32 = 3600
    static let recordFields = ["name", "type", "ttl", "values"]

    mutating func decodeZone(_ document: ManifestDocument, claims: inout [OwnerClaim]) -> Zone? {
        var origin: Name? = nil
        do {
            origin = try Name(document.name.hasSuffix(".") ? document.name : document.name + ".")
            if origin?.isRoot == true {
                error(at: document.nameLocation, "metadata.name", "the root zone is not served", allowed: "expected a domain such as example.com")
                origin = nil
            }
        } catch {
            self.error(at: document.nameLocation, "metadata.name", "invalid zone name \"\(document.name)\"",
                       allowed: "expected a domain such as example.com: \(error.message)")
        }
        guard let spec = fields(document.spec, "spec", allowed: Self.zoneFields) else { return nil }
        let ttl = spec["ttl"].map { self.ttl($0, spec.path("ttl")) } ?? Self.defaultZoneTTL
        let soa = required(spec, "soa", "a mapping with primary and contact").flatMap { decodeSOA($0, spec.path("soa"), origin: origin) }
        let nameservers = required(spec, "nameservers", "a list of name server names").flatMap {
            decodeNameservers($0, spec.path("nameservers"), origin: origin)
        }
        var secondaries: [Secondary]? = []
        if let node = spec["secondaries"], let items = list(node, spec.path("secondaries"), "secondaries") {
            let decoded = items.enumerated().map { decodeSecondary($1, itemPath(spec.path("secondaries"), $0)) }
            secondaries = decoded.contains { $0 == nil } ? nil : decoded.compactMap { $0 }
        }
        var records: [RecordSet]? = []
        if let node = spec["records"], let items = list(node, spec.path("records"), "records"), let origin {
            // Checked even when the zone TTL is invalid (that error stands on its own).
            records = decodeRecords(items, spec.path("records"), zone: document.name, origin: origin,
                                    defaultTTL: ttl ?? 3600, claims: &claims)
        }
        var dnssec: ZoneSigning?? = .some(nil)
        if let node = spec["dnssec"] {
            dnssec = decodeSigning(node, spec.path("dnssec"))
        }
        guard let origin, let ttl, let soa, let nameservers, let secondaries, let records, let dnssec else { return nil }
        return Zone(name: document.name, origin: origin, ttl: ttl, soa: soa, nameservers: nameservers,
                    secondaries: secondaries, records: records, dnssec: dnssec)
    }

    /// `dnssec: {algorithm, keyFrom}`: the algorithm of the zone's combined signing key (ECDSA P-256 unless
    /// set), and where the key comes from (generated and kept by the controller unless `keyFrom` names a
    /// BIND private key file).
    private mutating func decodeSigning(_ node: YAMLNode, _ path: String) -> ZoneSigning? {
        guard let fields = fields(node, path, allowed: ["algorithm", "keyFrom"]) else { return nil }
        var algorithm: ZoneSigning.Algorithm? = .ecdsap256sha256
        if let node = fields["algorithm"] {
            algorithm = choice(node, fields.path("algorithm"), "DNSSEC algorithm", ZoneSigning.Algorithm.self)
        }
        var keyFile: String?? = .some(nil)
        if let node = fields["keyFrom"] {
            let expected = "file:/absolute/path of a BIND private key (K<zone>+013+<tag>.private, from dnssec-keygen)"
            if let text = text(node, fields.path("keyFrom"), expected) {
                if text.hasPrefix("file:/") {
                    keyFile = String(text.dropFirst(5))
                } else {
                    // Not echoed: it may be the key itself, pasted where its file belongs.
                    error(node, fields.path("keyFrom"), "keyFrom is not a file: reference (not shown, in case it is the key)",
                          allowed: "expected \(expected); a private key is never written in a manifest")
                    keyFile = nil
                }
            } else {
                keyFile = nil
            }
        }
        guard let algorithm, let keyFile else { return nil }
        return ZoneSigning(algorithm: algorithm, keyFile: keyFile)
    }

    private mutating func decodeSOA(_ node: YAMLNode, _ path: String, origin: Name?) -> SOASettings? {
        guard let soa = fields(node, path, allowed: ["primary", "contact", "refresh", "retry", "expire", "negativeTtl"]) else {
            return nil
        }
        let primary = required(soa, "primary", "the primary name server's name").flatMap { name($0, soa.path("primary"), origin: origin) }
        let contact = required(soa, "contact", "the zone contact as hostmaster.example.com. or hostmaster@example.com")
            .flatMap { decodeContact($0, soa.path("contact"), origin: origin) }
        func seconds(_ key: String, _ fallback: Int) -> UInt32? {
            guard let node = soa[key] else { return UInt32(fallback) }
            return integer(node, soa.path(key), "SOA \(key)", 0...2_147_483_647).map(UInt32.init)
        }
        let refresh = seconds("refresh", 3600)
        let retry = seconds("retry", 600)
        let expire = seconds("expire", 1_209_600)
        let negativeTTL = seconds("negativeTtl", 300)
        guard let primary, let contact, let refresh, let retry, let expire, let negativeTTL else { return nil }
        return SOASettings(primary: primary, contact: contact, refresh: refresh, retry: retry, expire: expire,
                           negativeTTL: negativeTTL)
    }

    /// The SOA contact as a name; an email address is turned into one (its local part is the first label).
    private mutating func decodeContact(_ node: YAMLNode, _ path: String, origin: Name?) -> Name? {
        guard let text = text(node, path, "hostmaster.example.com. or hostmaster@example.com") else { return nil }
        guard let at = text.lastIndex(of: "@") else { return name(node, path, origin: origin) }
        let local = text[..<at]
        let domain = text[text.index(after: at)...]
        do {
            let domainName = try Name(domain.hasSuffix(".") ? String(domain) : domain + ".")
            return try domainName.prepending(label: Array(local.utf8))
        } catch {
            self.error(node, path, "invalid contact address \"\(text)\"",
                       allowed: "expected hostmaster.example.com. or hostmaster@example.com: \(error.message)")
            return nil
        }
    }

    private mutating func decodeNameservers(_ node: YAMLNode, _ path: String, origin: Name?) -> [Name]? {
        guard let items = list(node, path, "name server names") else { return nil }
        guard !items.isEmpty else {
            error(node, path, "no name servers", allowed: "expected at least one, and two or more on separate networks (RFC 2182)")
            return nil
        }
        let names = items.enumerated().map { name($1, itemPath(path, $0), origin: origin) }
        guard !names.contains(where: { $0 == nil }) else { return nil }
        if items.count == 1 {
            warning(node, path, "only one name server",
                    allowed: "RFC 2182 asks for at least two, on separate networks, so the zone survives one outage")
        }
        return names.compactMap { $0 }
    }

    /// `{address: HOST[:PORT], tsigKey: …}`: HOST an IP address or a host name (resolved when the config
    /// is applied); the key a name (its secret in `SWITCHYARD_TSIG_<NAME>`, HMAC-SHA256) or a mapping of
    /// name, algorithm and `secretFrom`.
    mutating func decodeSecondary(_ node: YAMLNode, _ path: String) -> Secondary? {
        guard let secondary = fields(node, path, allowed: ["address", "tsigKey"]) else { return nil }
        let expected = "an IP address or host name with an optional port: 192.0.2.53, 192.0.2.53:5300, [2001:db8::53]:5300 or ns2.example.net:5300"
        var endpoint: (Secondary.Host, UInt16)? = nil
        if let addressNode = required(secondary, "address", expected), let text = text(addressNode, secondary.path("address"), expected) {
            endpoint = parseSecondaryHost(text)
            if endpoint == nil {
                error(addressNode, secondary.path("address"), "invalid secondary address \"\(text)\"", allowed: "expected \(expected)")
            }
        }
        var key: TSIGKey?? = .some(nil)
        if let keyNode = secondary["tsigKey"] { key = decodeTSIGKey(keyNode, secondary.path("tsigKey")) }
        guard let endpoint, let key else { return nil }
        return Secondary(host: endpoint.0, port: endpoint.1, tsigKey: key)
    }

    /// A TSIG key: its name alone (then HMAC-SHA256 with the secret in `SWITCHYARD_TSIG_<NAME>`), or
    /// `{name, algorithm, secretFrom}`.
    mutating func decodeTSIGKey(_ node: YAMLNode, _ path: String) -> TSIGKey? {
        if node.scalarText != nil {
            // TSIG key names are domain names (RFC 8945 §4.2).
            guard let name = name(node, path, origin: nil) else { return nil }
            return TSIGKey(name: name, secret: .environment(TSIGKey.environmentVariable(for: name)))
        }
        guard let key = fields(node, path, allowed: ["name", "algorithm", "secretFrom"]) else { return nil }
        let name = required(key, "name", "the key's name, as the secondary knows it").flatMap { self.name($0, key.path("name"), origin: nil) }
        var algorithm: TSIGAlgorithm? = .hmacSHA256
        if let node = key["algorithm"] { algorithm = choice(node, key.path("algorithm"), "TSIG algorithm", TSIGAlgorithm.self) }
        let secret = required(key, "secretFrom", "env:NAME or file:/path holding the base64 secret").flatMap { self.secret($0, key.path("secretFrom")) }
        guard let name, let algorithm, let secret else { return nil }
        return TSIGKey(name: name, algorithm: algorithm, secret: secret)
    }

    private mutating func decodeRecords(_ items: [YAMLNode], _ path: String, zone: String, origin: Name,
                                        defaultTTL: UInt32, claims: inout [OwnerClaim]) -> [RecordSet]? {
        var sets: [RecordSet] = []
        var seen: [OwnerType: SourceLocation] = [:]
        seen.reserveCapacity(items.count)
        var failed = false
        for (index, node) in items.enumerated() {
            let path = itemPath(path, index)
            guard let record = fields(node, path, allowed: Self.recordFields) else {
                failed = true
                continue
            }
            let owner = required(record, "name", "the owner name, such as \"www\" or \"@\"").flatMap { name($0, record.path("name"), origin: origin) }
            let type = required(record, "type", "one of \(quotedList(staticRecordTypes.map(\.description)))")
                .flatMap { decodeStaticType($0, record.path("type")) }
            let ttl = record["ttl"].map { self.ttl($0, record.path("ttl")) } ?? defaultTTL
            var data: [RData]? = nil
            if let valuesNode = required(record, "values", "a list of record data in zone-file form"), let type,
               let values = list(valuesNode, record.path("values"), "record data in zone-file form") {
                data = decodeValues(values, record.path("values"), type: type, origin: origin, listNode: valuesNode)
            }
            if let owner, let type, data == nil || ttl == nil, seen[OwnerType(owner: owner, type: type)] == nil {
                seen[OwnerType(owner: owner, type: type)] = location(node)  // so a second entry is still caught
            }
            guard let owner, let type, let ttl, let data else {
                failed = true
                continue
            }
            guard owner.isSubdomain(of: origin) else {
                error(record["name"]!, record.path("name"), "name \"\(owner)\" lies outside the zone \(origin)",
                      allowed: "expected a name in the zone, such as \"www\" or \"@\"")
                failed = true
                continue
            }
            if type == .ns && owner == origin {
                error(record["type"]!, record.path("type"), "an NS record at the apex",
                      allowed: "the apex NS set comes from spec.nameservers; NS records here delegate names below the apex")
                failed = true
                continue
            }
            if let first = seen[OwnerType(owner: owner, type: type)] {
                error(node, path, "the \(type) record set of \(owner) is defined twice",
                      allowed: "put all values in one entry; the first is at \(first)")
                failed = true
                continue
            }
            seen[OwnerType(owner: owner, type: type)] = location(node)
            claims.append(OwnerClaim(zone: zone, owner: owner, source: .record(type), subject: "Zone/\(zone)",
                                     path: path, location: location(node)))
            sets.append(RecordSet(owner: owner, type: type, ttl: ttl, data: data))
        }
        // A DS set belongs at a zone cut: it is the parent's half of a signed delegation (RFC 4035 §2.4).
        for set in sets where set.type == .ds && seen[OwnerType(owner: set.owner, type: .ns)] == nil {
            let location = seen[OwnerType(owner: set.owner, type: .ds)]!
            error(at: location, path, "a DS record set at \(set.owner), which is not delegated",
                  allowed: "DS goes beside the NS records that delegate a signed child zone")
            failed = true
        }
        return failed ? nil : sets
    }

    private mutating func decodeStaticType(_ node: YAMLNode, _ path: String) -> RRType? {
        var allowed: String { "\(quotedList(staticRecordTypes.map(\.description))), another type's mnemonic or TYPE<number>" }
        guard let text = text(node, path, "one of \(allowed)") else { return nil }
        if let type = RRType(mnemonic: text), text == type.description || text == "TYPE\(type.rawValue)" {
            if let refused = refusedRecordType(type) {
                error(node, path, refused.problem, allowed: refused.allowed)
                return nil
            }
            return type
        }
        if ["ALIAS", "ANAME"].contains(text.uppercased()) {
            error(node, path, "\(text) is not a static record type", allowed: "declare a FailoverPolicy or WeightedPolicy of type ALIAS")
        } else {
            let hint = closestMatch(to: text, in: staticRecordTypes.map(\.description)).map { "did you mean \"\($0)\"?" }
                ?? "expected one of \(allowed)"
            error(node, path, "unsupported record type \"\(text)\"", allowed: hint)
        }
        return nil
    }

    /// Record data from zone-file text. TXT is the exception: a value not starting with `"` is one
    /// text, split into 255-octet strings as needed, so `v=spf1 include:x -all` stays one string.
    private mutating func decodeValues(_ values: [YAMLNode], _ path: @autoclosure () -> String, type: RRType, origin: Name,
                                       listNode: YAMLNode) -> [RData]? {
        guard !values.isEmpty else {
            error(listNode, path(), "no values", allowed: "expected at least one value")
            return nil
        }
        var data: [RData] = []
        var failed = false
        for (index, node) in values.enumerated() {
            guard let text = text(node, itemPath(path(), index), "\(type) data in zone-file form") else {
                failed = true
                continue
            }
            do {
                if type == .txt && !text.hasPrefix("\"") {
                    data.append(.txt(RData.TXT(splitting: Array(text.utf8))))
                } else {
                    data.append(try RData(type: type, presentation: text, origin: origin))
                }
            } catch {
                self.error(node, itemPath(path(), index), presentation: error)
                failed = true
            }
        }
        if type == .cname && values.count > 1 {
            error(listNode, path(), "\(values.count) CNAME values", allowed: "a name has at most one CNAME (RFC 1034 §3.6.2)")
            return nil
        }
        if data.count > 1 && Set(data).count < data.count {
            error(listNode, path(), "a value is listed twice", allowed: "each value appears once in a record set (RFC 2181 §5)")
            return nil
        }
        return failed ? nil : data
    }
}

struct OwnerType: Hashable {
    let owner: Name
    let type: RRType
}

/// `192.0.2.53`, `192.0.2.53:5300`, `2001:db8::53` or `[2001:db8::53]:5300`; port 53 when none is given.
/// A secondary's `HOST[:PORT]`: an address as `parseHostPort` reads it, else a host name of letters,
/// digits and hyphens (port 53 unless given).
func parseSecondaryHost(_ text: String) -> (Secondary.Host, UInt16)? {
    if let (address, port) = parseHostPort(text) { return (.address(address), port) }
    var host = Substring(text)
    var port: UInt16 = 53
    if let colon = text.lastIndex(of: ":") {
        guard let number = UInt16(text[text.index(after: colon)...]), number > 0 else { return nil }
        host = text[..<colon]
        port = number
    }
    if host.hasSuffix(".") { host = host.dropLast() }
    let labels = host.split(separator: ".", omittingEmptySubsequences: false)
    let isHostName = !host.isEmpty && host.utf8.count <= 253 && labels.allSatisfy { label in
        (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
            && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    } && !(labels.last?.allSatisfy(\.isNumber) ?? true)  // 192.0.2.999 is a bad address, not a name
    return isHostName ? (.name(String(host).lowercased()), port) : nil
}

func parseHostPort(_ text: String) -> (IPAddress, UInt16)? {
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
        guard let address = IPv6Address(text[text.index(after: text.startIndex)..<close]) else { return nil }
        let rest = text[text.index(after: close)...]
        if rest.isEmpty { return (.v6(address), 53) }
        guard rest.hasPrefix(":"), let port = UInt16(rest.dropFirst()), port > 0 else { return nil }
        return (.v6(address), port)
    }
    if let address = IPAddress(text) { return (address, 53) }
    guard let colon = text.lastIndex(of: ":"), let v4 = IPv4Address(text[..<colon]),
          let port = UInt16(text[text.index(after: colon)...]), port > 0 else { return nil }
    return (.v4(v4), port)
}
