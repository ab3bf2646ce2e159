import DNSWire
import Model

/// The Kubernetes-style envelope of one manifest document: `apiVersion`, `kind`, `metadata.name`, `spec`.
struct ManifestDocument {
    static let apiVersion = "switchyard.io/v1"

    let kind: Kind
    let name: String
    let file: String
    let spec: YAMLNode
    /// Where `metadata.name` is written: duplicates and document-wide problems point here.
    let nameLocation: SourceLocation

    var subject: String { "\(kind.rawValue)/\(name)" }

    /// Reads the envelope, or returns nil after recording what is wrong with it.
    static func read(_ root: YAMLNode, file: String, into diagnostics: inout [Diagnostic]) -> ManifestDocument? {
        var decoder = DocumentDecoder(subject: "the document", file: file)
        defer { diagnostics += decoder.diagnostics }
        guard let fields = decoder.fields(root, "", allowed: ["apiVersion", "kind", "metadata", "spec"]) else { return nil }

        if let node = decoder.required(fields, "apiVersion", "apiVersion: \(apiVersion)"),
           let version = decoder.text(node, "apiVersion", apiVersion), version != apiVersion {
            decoder.error(node, "apiVersion", "unsupported apiVersion \"\(version)\"", allowed: "expected \(apiVersion)")
        }
        let kinds = Kind.allCases.map(\.rawValue)
        let kind = decoder.required(fields, "kind", "one of \(quotedList(kinds))").flatMap {
            decoder.choice($0, "kind", "kind", Kind.self)
        }
        var name: String? = nil
        var nameLocation = root.location(in: file)
        if let metadataNode = decoder.required(fields, "metadata", "a mapping with the field \"name\""),
           let metadata = decoder.fields(metadataNode, "metadata", allowed: ["name"]),
           let nameNode = decoder.required(metadata, "name", "the document's name") {
            nameLocation = nameNode.location(in: file)
            name = decoder.text(nameNode, "metadata.name", "the document's name")
            if let text = name, let kind {
                if kind == .zone {
                    // A zone is named by its origin; the zone decoder reports an invalid one.
                } else if !isResourceName(text) {
                    decoder.error(nameNode, "metadata.name", "invalid name \"\(text)\"",
                                  allowed: "expected 1 to 63 letters, digits, \"-\", \"_\" or \".\", starting with a letter or digit")
                    name = nil
                }
            }
        }
        let spec = decoder.required(fields, "spec", "a mapping of the \(kind?.rawValue ?? "kind")'s settings")
        guard let kind, let name, let spec, !decoder.diagnostics.hasErrors else { return nil }
        return ManifestDocument(kind: kind, name: name, file: file, spec: spec, nameLocation: nameLocation)
    }
}

func isResourceName(_ text: String) -> Bool {
    guard (1...63).contains(text.utf8.count), let first = text.first, first.isASCII, first.isLetter || first.isNumber else {
        return false
    }
    return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
}

/// The documents decoded so far, by name, so later ones can check their references.
struct Definitions {
    var zones: [String: Zone] = [:]
    var monitors: [String: Monitor] = [:]
    var notifiers: [String: Notifier] = [:]
    var failoverPolicies: [String: FailoverPolicy] = [:]
    var weightedPolicies: [String: WeightedPolicy] = [:]
    var geoPolicies: [GeoPolicy] = []
    var catalogs: [Catalog] = []
    /// By manifest name.
    var targets: [String: Target] = [:]
    var fleet: Fleet?
    /// Where the Fleet is defined: there is one.
    var fleetDocument: SourceLocation?
    /// Every GeoPolicy's name, known before any is decoded, so `use:` naming one is explained.
    var geoPolicyNames: Set<String> = []
    /// The Target of each zone a policy may name by its `zoneReference` (`corp.example`).
    var targetsByZone: [String: Target] {
        Dictionary(targets.values.map { ($0.zoneReference, $0) }, uniquingKeysWith: { first, _ in first })
    }
    /// Documents that exist but did not decode, by kind: references to them are not reported again.
    var failed: [Kind: Set<String>] = [:]
}

extension DocumentDecoder {
    /// A name that must be among `defined` (`what` is "monitor", "zone", …). A name in `failed` exists
    /// but has errors of its own, so it is refused without another message.
    mutating func reference(_ node: YAMLNode, _ path: @autoclosure () -> String, _ what: String, defined: some Collection<String>,
                            failed: Set<String> = []) -> String? {
        guard let text = text(node, path(), "the name of a \(what)") else { return nil }
        if defined.contains(text) { return text }
        if failed.contains(text) { return nil }
        let names = Set(defined).union(failed).sorted()
        let hint = closestMatch(to: text, in: names).map { "did you mean \"\($0)\"?" }
            ?? (names.isEmpty ? "no \(what) is defined" : "defined: \(quotedList(names))")
        error(node, path(), "\(what) \"\(text)\" is not defined", allowed: hint)
        return nil
    }
}

/// One owner name and type that a document answers for, checked against the others for conflicts.
struct OwnerClaim {
    enum Source {
        case record(RRType)
        case policy(PolicyRecordType)
    }

    let zone: String
    let owner: Name
    let source: Source
    let subject: String
    let path: String
    let location: SourceLocation

    /// The DNS types this claim answers.
    var types: [RRType] {
        switch source {
        case .record(let type): [type]
        case .policy(let type): type.answeredTypes
        }
    }

    var isCNAME: Bool { types == [.cname] }
    var isAlias: Bool { if case .policy(.alias) = source { true } else { false } }

    /// "the static A record" or "FailoverPolicy/www (A)", for messages.
    var what: String {
        switch source {
        case .record(let type): "the static \(type) record of \(subject)"
        case .policy(let type): "\(subject) (\(type.rawValue))"
        }
    }
}
