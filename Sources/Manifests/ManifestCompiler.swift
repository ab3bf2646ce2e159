import Model

/// One manifest file's path (as it should appear in messages) and bytes.
public struct ManifestSource: Sendable {
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    public init(_ file: SourceFile) {
        self.init(path: file.path, text: file.text)
    }
}

extension SourceFile {
    public init(_ source: ManifestSource) {
        self.init(path: source.path, text: String(decoding: source.bytes, as: UTF8.self))
    }
}

/// What compiling a set of manifests gives: the desired state when there is no error, and every
/// diagnostic either way, in file and position order.
public struct CompileResult: Sendable {
    public var state: DesiredState?
    public var diagnostics: [Diagnostic]
    public var documentCount: Int
    public var fileCount: Int

    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
    public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }
}

/// Validates manifests and compiles them into a `DesiredState`. Pure: the sources come in as bytes.
public enum ManifestCompiler {
    /// The order kinds are decoded in, so that every reference points at something already read.
    static let decodeOrder: [Kind] = [.zone, .fleet, .monitor, .notifier, .failoverPolicy, .weightedPolicy, .geoPolicy, .catalog]

    public static func compile(_ sources: [ManifestSource]) -> CompileResult {
        var diagnostics: [Diagnostic] = []
        var documentCount = 0
        // Identity is kind/name: a second definition is an error naming the first.
        var firstDefinition: [String: SourceLocation] = [:]
        var unique: [ManifestDocument] = []
        var definitions = Definitions()
        var claims: [OwnerClaim] = []
        for source in sources {
            let (roots, problems) = YAMLLoader.documents(in: source.bytes, file: source.path)
            diagnostics += problems
            documentCount += roots.count
            for root in roots {
                guard let document = ManifestDocument.read(root, file: source.path, into: &diagnostics) else { continue }
                if let first = firstDefinition[document.subject] {
                    diagnostics.append(Diagnostic(.error, at: document.nameLocation, path: "metadata.name",
                                                  "\(document.subject) is defined twice",
                                                  allowed: "each kind and name is defined once; the first definition is at \(first)"))
                    continue
                }
                firstDefinition[document.subject] = document.nameLocation
                // A zone depends on no other document, so it is decoded as soon as it is read and its YAML
                // let go: holding every zone's nodes at once made the peak several times the records' size.
                if document.kind == .zone {
                    decode(document, into: &definitions, claims: &claims, diagnostics: &diagnostics)
                } else {
                    unique.append(document)
                }
            }
        }

        definitions.geoPolicyNames = Set(unique.filter { $0.kind == .geoPolicy }.map(\.name))
        for kind in decodeOrder where kind != .zone {
            for document in unique where document.kind == kind {
                decode(document, into: &definitions, claims: &claims, diagnostics: &diagnostics)
            }
        }
        diagnostics += ownerConflicts(claims, zones: definitions.zones)

        let sorted = diagnostics.sortedByLocation()
        let state = sorted.hasErrors ? nil : DesiredState(
            zones: Array(definitions.zones.values), monitors: Array(definitions.monitors.values),
            failoverPolicies: Array(definitions.failoverPolicies.values), weightedPolicies: Array(definitions.weightedPolicies.values),
            geoPolicies: definitions.geoPolicies, notifiers: Array(definitions.notifiers.values), catalogs: definitions.catalogs,
            fleet: definitions.fleet)
        return CompileResult(state: state, diagnostics: sorted, documentCount: documentCount, fileCount: sources.count)
    }

    /// Decodes one document into `definitions`, after the kinds it refers to (`decodeOrder`).
    private static func decode(_ document: ManifestDocument, into definitions: inout Definitions, claims: inout [OwnerClaim],
                               diagnostics: inout [Diagnostic]) {
        let kind = document.kind
        var decoder = DocumentDecoder(subject: document.subject, file: document.file, failed: definitions.failed)
        switch kind {
        case .zone: definitions.zones[document.name] = decoder.decodeZone(document, claims: &claims)
        case .monitor:
            definitions.monitors[document.name] = decoder.decodeMonitor(document, fleet: definitions.fleet,
                                                                        fleetFailed: definitions.failed[.fleet] != nil)
        case .fleet:
            if let first = definitions.fleetDocument {
                decoder.error(at: document.nameLocation, "metadata.name", "a second Fleet, \(document.subject)",
                              allowed: "one Fleet lists every node; the first is at \(first)")
            } else {
                definitions.fleetDocument = document.nameLocation
                definitions.fleet = decoder.decodeFleet(document)
            }
        case .notifier: definitions.notifiers[document.name] = decoder.decodeNotifier(document)
        case .failoverPolicy:
            definitions.failoverPolicies[document.name] = decoder.decodeFailoverPolicy(document, definitions: definitions, claims: &claims)
        case .weightedPolicy:
            definitions.weightedPolicies[document.name] = decoder.decodeWeightedPolicy(document, definitions: definitions, claims: &claims)
        case .geoPolicy:
            if let policy = decoder.decodeGeoPolicy(document, definitions: definitions, claims: &claims) {
                definitions.geoPolicies.append(policy)
            }
        case .catalog:
            if let catalog = decoder.decodeCatalog(document, zones: definitions.zones, failedZones: definitions.failed[.zone] ?? []) {
                definitions.catalogs.append(catalog)
            }
        }
        if decoder.diagnostics.hasErrors { definitions.failed[kind, default: []].insert(document.name) }
        diagnostics += decoder.diagnostics
    }
}
