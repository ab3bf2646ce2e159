import DNSWire

/// Manifests from an octoDNS YamlProvider directory (`<zone>.yaml` files: record names mapping to a
/// record or a list of records with `type`, `ttl`, `value`/`values`). Static records become a Zone
/// manifest (through `ZoneImport`); a dynamic record (pools and rules) becomes a FailoverPolicy, a
/// WeightedPolicy or a GeoPolicy with a Monitor from its healthcheck where it maps cleanly, and a
/// comment saying why where it does not. `octodns:` keys are ignored, each with a note.
public enum OctoDNSImport {
    public struct Output: Sendable {
        /// The file to write, such as `example.com.yaml`.
        public var fileName: String
        public var text: String
    }

    public struct Result: Sendable {
        public var outputs: [Output] = []
        /// What was left out or changed in meaning, each as `file:line: what`.
        public var notes: [String] = []
        /// Zones that could not be imported, each as `file:line:column: what`.
        public var problems: [String] = []
    }

    /// octoDNS's TTL when a record sets none.
    static let defaultTTL: UInt32 = 3600

    public static func convert(_ sources: [ManifestSource]) -> Result {
        var result = Result()
        for source in sources {
            let base = source.path.split(separator: "/").last.map(String.init) ?? source.path
            guard base.hasSuffix(".yaml"), let zone = try? Name(String(base.dropLast(5)) + ".") else {
                result.notes.append("\(source.path): not a <zone>.yaml file, left out")
                continue
            }
            do {
                var converter = ZoneConverter(file: source.path, zone: zone)
                try converter.convert(source.bytes)
                result.outputs += converter.outputs
                result.notes += converter.notes
            } catch {
                result.problems.append(error.description)
            }
        }
        return result
    }

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// One record as octoDNS writes it.
    struct Record {
        var owner: Name
        var label: String
        var type: String
        var ttl: UInt32
        var values: [YAMLNode]
        var node: YAMLNode
        var dynamic: YAMLNode?
        var healthcheck: YAMLNode?
    }

    struct ZoneConverter {
        let file: String
        let zone: Name
        var outputs: [Output] = []
        var notes: [String] = []
        var entries: [MasterFile.Entry] = []
        var comments: [String] = []
        var documents: [String] = []

        init(file: String, zone: Name) {
            self.file = file
            self.zone = zone
        }

        func place(_ node: YAMLNode) -> String { "\(file):\(node.position.line)" }

        func problem(_ node: YAMLNode, _ message: String) -> Problem {
            Problem(description: "\(file):\(node.position.line):\(node.position.column): \(message)")
        }

        mutating func convert(_ bytes: [UInt8]) throws(Problem) {
            let (roots, problems) = YAMLLoader.documents(in: bytes, file: file)
            if let first = problems.first { throw Problem(description: "\(first.location): \(first.message)") }
            guard roots.count == 1, case .mapping(let pairs) = roots[0].content else {
                throw Problem(description: "\(file): expected one YAML document mapping record names to records")
            }
            for pair in pairs {
                let label = pair.key.scalarText ?? ""
                let owner: Name
                do { owner = label.isEmpty ? zone : try Name(label, origin: zone) } catch {
                    throw problem(pair.key, "invalid record name \"\(label)\": \(error.message)")
                }
                let items: [YAMLNode] = if case .sequence(let list) = pair.value.content { list } else { [pair.value] }
                for item in items {
                    try convert(try record(item, owner: owner, label: label))
                }
            }
            let origin = String(zone.description.dropLast())
            let trailer = comments.isEmpty ? "" : "\n" + comments.map { "# \($0)\n" }.joined()
            do {
                let manifest = try ZoneImport.manifest(
                    origin: zone, entries: entries + [soaEntry()],
                    header: "# Imported from octoDNS (\(file)) by `switchyard import octodns`; each record says where it was read.\n"
                        + "# octoDNS does not manage the SOA: its primary is the first name server, its timers Switchyard's defaults.\n",
                    trailer: trailer)
                outputs.append(Output(fileName: "\(origin).yaml", text: manifest.manifest))
                notes += manifest.skipped
            } catch {
                throw Problem(description: "\(file): \(error.message)")
            }
            if !documents.isEmpty {
                outputs.append(Output(fileName: "\(origin).policies.yaml",
                                      text: "# Policies and monitors from octoDNS dynamic records in \(file).\n" + documents.joined(separator: "---\n")))
            }
        }

        /// An SOA for the zone: octoDNS leaves it to each provider, so it gets the first apex name server
        /// and the timers a Zone manifest defaults to.
        func soaEntry() -> MasterFile.Entry {
            let primary = entries.first { $0.record.type == .ns && $0.record.name == zone }.flatMap { entry -> Name? in
                if case .ns(let server) = entry.record.data { server } else { nil }
            } ?? zone
            let contact = (try? zone.prepending(label: Array("hostmaster".utf8))) ?? zone
            let soa = RData.SOA(primary: primary, contact: contact, serial: 1, refresh: 3600, retry: 600, expire: 1_209_600, minimum: 300)
            return MasterFile.Entry(record: ResourceRecord(name: zone, ttl: defaultTTL, data: .soa(soa)), file: file, line: 1)
        }

        mutating func record(_ node: YAMLNode, owner: Name, label: String) throws(Problem) -> Record {
            guard case .mapping(let pairs) = node.content else { throw problem(node, "a record is a mapping with type and value or values") }
            var fields: [String: YAMLNode] = [:]
            for pair in pairs { if let key = pair.key.scalarText { fields[key] = pair.value } }
            guard let type = fields["type"]?.scalarText?.uppercased() else { throw problem(node, "a record without a type") }
            var ttl = defaultTTL
            if let ttlNode = fields["ttl"] {
                guard let text = ttlNode.scalarText, let value = UInt32(text) else { throw problem(ttlNode, "ttl is a number of seconds") }
                ttl = value
            }
            var values: [YAMLNode] = []
            if let value = fields["value"] { values = [value] }
            if let list = fields["values"] {
                guard case .sequence(let items) = list.content else { throw problem(list, "values is a list") }
                values = items
            }
            let extra = fields["octodns"]
            var healthcheck: YAMLNode? = nil
            if let extra, case .mapping(let options) = extra.content {
                for option in options {
                    if option.key.scalarText == "healthcheck" { healthcheck = option.value } else {
                        notes.append("\(place(option.key)): octodns.\(option.key.scalarText ?? "?") of \(owner) \(type) ignored")
                    }
                }
            }
            return Record(owner: owner, label: label, type: type, ttl: ttl, values: values, node: node, dynamic: fields["dynamic"],
                          healthcheck: healthcheck)
        }

        mutating func convert(_ record: Record) throws(Problem) {
            if let dynamic = record.dynamic {
                do {
                    documents.append(try policy(record, dynamic: dynamic))
                    return
                } catch {
                    // The name still answers: with the record's own values, as octoDNS does when every pool is down.
                    comments.append("not a policy: the dynamic \(record.type) record \(record.owner) (\(place(record.node))), "
                                    + "imported as its static values: \(error.description)")
                    notes.append("\(place(record.node)): dynamic \(record.type) \(record.owner) imported as its static values: \(error.description)")
                }
            }
            guard let type = RRType(mnemonic: record.type), record.type != "ALIAS" else {
                comments.append("not imported: \(record.type) \(record.owner) (\(place(record.node))): no such record type here"
                    + (record.type == "ALIAS" ? "; a static ALIAS is a FailoverPolicy of type ALIAS with one endpoint" : ""))
                notes.append("\(place(record.node)): \(record.type) \(record.owner) not imported")
                return
            }
            for value in record.values {
                let data: RData
                do { data = try rdata(type, value) } catch {
                    comments.append("not imported: \(record.type) \(record.owner) (\(place(value))): \(error.description)")
                    notes.append("\(place(value)): \(record.type) \(record.owner) not imported: \(error.description)")
                    continue
                }
                entries.append(MasterFile.Entry(record: ResourceRecord(name: record.owner, ttl: record.ttl, data: data),
                                                file: file, line: Int(value.position.line)))
            }
        }

        // MARK: Values

        func rdata(_ type: RRType, _ node: YAMLNode) throws(Problem) -> RData {
            func field(_ names: String...) throws(Problem) -> String {
                guard case .mapping(let pairs) = node.content else { throw problem(node, "a \(type) value is a mapping") }
                for name in names {
                    if let value = pairs.first(where: { $0.key.scalarText == name })?.value.scalarText { return value }
                }
                throw problem(node, "a \(type) value needs \(names.joined(separator: " or "))")
            }
            func number<T: FixedWidthInteger>(_ text: String, _ what: String) throws(Problem) -> T {
                guard let value = T(text) else { throw problem(node, "\(what) \"\(text)\" is not a number from 0 to \(T.max)") }
                return value
            }
            func hex(_ text: String) throws(Problem) -> [UInt8] {
                let digits = Array(text.utf8)
                guard digits.count % 2 == 0 else { throw problem(node, "\"\(text)\" is not hex octets") }
                var octets: [UInt8] = []
                for index in stride(from: 0, to: digits.count, by: 2) {
                    guard let octet = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else {
                        throw problem(node, "\"\(text)\" is not hex octets")
                    }
                    octets.append(octet)
                }
                return octets
            }
            func characterString(_ text: String) throws(Problem) -> [UInt8] {
                let bytes = Array(text.utf8)
                guard bytes.count <= 255 else { throw problem(node, "\"\(text)\" is longer than 255 octets") }
                return [UInt8(bytes.count)] + bytes
            }
            func presentation(_ text: String) throws(Problem) -> RData {
                do { return try RData(type: type, presentation: text, origin: zone) } catch { throw problem(node, error.message) }
            }
            switch type {
            case .a, .aaaa, .ns, .cname, .ptr:
                guard let text = node.scalarText else { throw problem(node, "a \(type) value is text") }
                return try presentation(text)
            case .txt, .spf:
                guard let text = node.scalarText else { throw problem(node, "a \(type) value is text") }
                // octoDNS escapes ; as \; in TXT values; a value in quotes is already zone-file strings.
                let unescaped = text.replacingOccurrences(of: "\\;", with: ";")
                if unescaped.hasPrefix("\"") {
                    let txt: RData
                    do { txt = try RData(type: .txt, presentation: unescaped) } catch { throw problem(node, error.message) }
                    guard type == .spf, case .txt(let strings) = txt else { return txt }
                    return .unknown(type: .spf, data: strings.strings.flatMap { [UInt8($0.count)] + $0 })
                }
                let strings = RData.TXT(splitting: Array(unescaped.utf8))
                return type == .txt ? .txt(strings) : .unknown(type: .spf, data: strings.strings.flatMap { [UInt8($0.count)] + $0 })
            case .mx:
                return try presentation("\(try field("preference", "priority")) \(try field("exchange", "value"))")
            case .srv:
                return try presentation("\(try field("priority")) \(try field("weight")) \(try field("port")) \(try field("target"))")
            case .caa:
                let flags = (try? field("flags")) ?? "0"
                let value = try field("value").replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                return try presentation("\(flags) \(try field("tag")) \"\(value)\"")
            case .sshfp:
                let algorithm: UInt8 = try number(try field("algorithm"), "SSHFP algorithm")
                let fingerprintType: UInt8 = try number(try field("fingerprint_type"), "SSHFP fingerprint type")
                return .unknown(type: type, data: [algorithm, fingerprintType] + (try hex(try field("fingerprint"))))
            case .tlsa:
                let usage: UInt8 = try number(try field("certificate_usage"), "TLSA usage")
                let selector: UInt8 = try number(try field("selector"), "TLSA selector")
                let matching: UInt8 = try number(try field("matching_type"), "TLSA matching type")
                return .unknown(type: type, data: [usage, selector, matching] + (try hex(try field("certificate_association_data"))))
            case .ds:
                let keyTag: UInt16 = try number(try field("key_tag"), "DS key tag")
                let algorithm: UInt8 = try number(try field("algorithm"), "DS algorithm")
                let digestType: UInt8 = try number(try field("digest_type"), "DS digest type")
                return .unknown(type: type, data: [UInt8(keyTag >> 8), UInt8(keyTag & 0xFF), algorithm, digestType]
                                    + (try hex(try field("digest"))))
            case .naptr:
                let order: UInt16 = try number(try field("order"), "NAPTR order")
                let preference: UInt16 = try number(try field("preference"), "NAPTR preference")
                let replacement: Name
                let replacementText = try field("replacement")
                do { replacement = try Name(replacementText, origin: zone) } catch { throw problem(node, error.message) }
                var data = [UInt8(order >> 8), UInt8(order & 0xFF), UInt8(preference >> 8), UInt8(preference & 0xFF)]
                data += try characterString(try field("flags")) + characterString(try field("service")) + characterString(try field("regexp"))
                for label in replacement.labels { data += [UInt8(label.count)] + label }
                return .unknown(type: type, data: data + [0])
            default:
                if let text = node.scalarText, text.hasPrefix("\\#") { return try presentation(text) }
                throw problem(node, "\(type) values are not read from octoDNS's form; write the record as \\# data in the Zone manifest")
            }
        }
    }
}
