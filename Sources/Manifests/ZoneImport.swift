import DNSWire

/// Writes the Zone manifest that serves what a zone file holds: the SOA's timers as `spec.soa`, the apex
/// NS set as `spec.nameservers`, every other record grouped by owner and type, each line with a comment
/// saying where it was read. Records a zone cannot list (`refusedRecordType`: DNSSEC records, DNAME,
/// ZONEMD) and records outside the zone are left out and named in `skipped`.
public enum ZoneImport {
    public struct Result: Sendable {
        /// The manifest's YAML text.
        public var manifest: String
        public var recordSets: Int
        public var records: Int
        /// Each record left out, as `file:line: TYPE owner: why`.
        public var skipped: [String]
    }

    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    private struct RecordSetBuilder {
        var owner: Name
        var type: RRType
        var ttl: UInt32
        var data: [RData] = []
        var lines: [String] = []
    }

    /// The manifest for the zone `origin` from `entries` (as `MasterFile.read` gives them), opened with
    /// `header` (comment lines) and closed with `trailer` (more comment lines, such as what was left out).
    public static func manifest(origin: Name, entries: [MasterFile.Entry],
                                header: String = "# Imported from a zone file by `switchyard import bind`; each record says where it was read.\n",
                                trailer: String = "") throws(Problem) -> Result {
        var skipped: [String] = []
        var soa: (RData.SOA, ResourceRecord)? = nil
        var nameservers: [Name] = []
        var nameserverTTL: UInt32? = nil
        var sets: [RecordSetBuilder] = []
        var setIndex: [OwnerType: Int] = [:]
        for entry in entries {
            let record = entry.record
            let place = "\(entry.file):\(entry.line)"
            guard record.name.isSubdomain(of: origin) else {
                skipped.append("\(place): \(record.type) \(record.name): outside the zone \(origin)")
                continue
            }
            if record.type == .soa, case .soa(let data) = record.data {
                if record.name == origin, soa == nil { soa = (data, record) } else {
                    skipped.append("\(place): SOA \(record.name): a zone has one SOA, at its apex")
                }
                continue
            }
            if let refused = refusedRecordType(record.type) {
                skipped.append("\(place): \(record.type) \(record.name): \(refused.problem); \(refused.allowed)")
                continue
            }
            if record.type == .ns, record.name == origin, case .ns(let server) = record.data {
                if !nameservers.contains(server) { nameservers.append(server) }
                nameserverTTL = nameserverTTL ?? record.ttl
                continue
            }
            let key = OwnerType(owner: record.name, type: record.type)
            if let index = setIndex[key] {
                // RFC 2181 §5.2: one TTL per record set; the first one written wins, as BIND does.
                if !sets[index].data.contains(record.data) { sets[index].data.append(record.data) }
                sets[index].lines.append(String(entry.line))
            } else {
                setIndex[key] = sets.count
                sets.append(RecordSetBuilder(owner: record.name, type: record.type, ttl: record.ttl, data: [record.data],
                                             lines: ["\(entry.file):\(entry.line)"]))
            }
        }
        guard let (soaData, soaRecord) = soa else { throw Problem(message: "no SOA record at the apex \(origin); is --origin right?") }
        guard !nameservers.isEmpty else { throw Problem(message: "no NS records at the apex \(origin)") }
        let ttl = nameserverTTL ?? soaRecord.ttl

        var yaml = header + """
            # The serial is not carried over: Switchyard numbers the zone's versions itself.
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: \(scalar(origin.description.dropLast().description))}
            spec:
              ttl: \(ttl)
              soa: {primary: \(scalar(soaData.primary.description)), contact: \(scalar(soaData.contact.description)), \
            refresh: \(soaData.refresh), retry: \(soaData.retry), expire: \(soaData.expire), negativeTtl: \(soaData.minimum)}
              nameservers: [\(nameservers.map { scalar(relative($0, to: origin)) }.joined(separator: ", "))]

            """
        if sets.isEmpty {
            yaml += "  records: []\n"
        } else {
            yaml += "  records:\n"
            for set in sets {
                var fields = "name: \(scalar(relative(set.owner, to: origin))), type: \(set.type)"
                if set.ttl != ttl { fields += ", ttl: \(set.ttl)" }
                fields += ", values: [\(set.data.map { scalar($0.description) }.joined(separator: ", "))]"
                let lines = set.lines.count > 4 ? set.lines.prefix(4).joined(separator: ", ") + ", …" : set.lines.joined(separator: ", ")
                yaml += "    - {\(fields)}  # \(lines)\n"
            }
        }
        yaml += trailer
        return Result(manifest: yaml, recordSets: sets.count, records: sets.reduce(0) { $0 + $1.data.count }, skipped: skipped)
    }

    /// `name` as a manifest writes it in the zone: `@` for the apex, relative below it, absolute outside.
    static func relative(_ name: Name, to origin: Name) -> String {
        guard name.isSubdomain(of: origin) else { return name.description }
        guard name != origin else { return "@" }
        let own = name.labels.prefix(name.labelCount - origin.labelCount)
        guard let prefix = try? Name(labels: Array(own)) else { return name.description }
        return String(prefix.description.dropLast())
    }

    /// A YAML scalar for `text`: plain when nothing in it can mean anything else to YAML, else single-quoted.
    static func scalar(_ text: String) -> String {
        let plain = text.utf8.first.map { isPlainStart($0) } == true && text.utf8.allSatisfy(isPlainByte)
            && !text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            && !["true", "false", "yes", "no", "on", "off", "null", "y", "n"].contains(text.lowercased())
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    private static func isPlainStart(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "_")
    }

    private static func isPlainByte(_ byte: UInt8) -> Bool {
        isPlainStart(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }
}
