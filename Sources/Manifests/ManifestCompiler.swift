import Dispatch
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
    /// The order kinds are decoded in, so that every reference points at something already read; zones
    /// first, as each file is read.
    static let decodeOrder: [Kind] = [.zone, .fleet, .monitor, .notifier, .target, .failoverPolicy, .weightedPolicy, .geoPolicy, .catalog]

    /// One source read on its own: its YAML problems, and each document in order; a zone is decoded
    /// already and its YAML let go (a zone refers to no other document).
    private struct ReadSource {
        enum Document {
            case zone(subject: String, name: String, nameLocation: SourceLocation, zone: Zone?, claims: [OwnerClaim],
                      diagnostics: [Diagnostic])
            case other(ManifestDocument)
        }

        var problems: [Diagnostic] = []
        var documentCount = 0
        var documents: [Document] = []
    }

    private static func read(_ source: ManifestSource) -> ReadSource {
        var read = ReadSource()
        let (roots, problems) = YAMLLoader.documents(in: source.bytes, file: source.path)
        read.problems = problems
        read.documentCount = roots.count
        for root in roots {
            guard let document = ManifestDocument.read(root, file: source.path, into: &read.problems) else { continue }
            guard document.kind == .zone else {
                read.documents.append(.other(document))
                continue
            }
            var decoder = DocumentDecoder(subject: document.subject, file: document.file, failed: [:])
            var claims: [OwnerClaim] = []
            let zone = decoder.decodeZone(document, claims: &claims)
            read.documents.append(.zone(subject: document.subject, name: document.name, nameLocation: document.nameLocation, zone: zone,
                                        claims: claims, diagnostics: decoder.diagnostics))
        }
        return read
    }

    public static func compile(_ sources: [ManifestSource]) -> CompileResult {
        // Files are read and their zones decoded on every core (zones are most of a large tree); what
        // depends on order (duplicates, references) is settled below, in the sources' order.
        var reads = [ReadSource](repeating: ReadSource(), count: sources.count)
        reads.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let results = buffer
            DispatchQueue.concurrentPerform(iterations: sources.count) { index in
                results[index] = read(sources[index])
            }
        }
        var diagnostics: [Diagnostic] = []
        var documentCount = 0
        // Identity is kind/name: a second definition is an error naming the first.
        var firstDefinition: [String: SourceLocation] = [:]
        var unique: [ManifestDocument] = []
        var definitions = Definitions()
        var claims: [OwnerClaim] = []
        for index in reads.indices {
            let read = reads[index]
            reads[index] = ReadSource()  // let each file's documents go once settled
            diagnostics += read.problems
            documentCount += read.documentCount
            for document in read.documents {
                let (subject, location): (String, SourceLocation) = switch document {
                case .zone(let subject, _, let location, _, _, _): (subject, location)
                case .other(let document): (document.subject, document.nameLocation)
                }
                if let first = firstDefinition[subject] {
                    diagnostics.append(Diagnostic(.error, at: location, path: "metadata.name", "\(subject) is defined twice",
                                                  allowed: "each kind and name is defined once; the first definition is at \(first)"))
                    continue
                }
                firstDefinition[subject] = location
                switch document {
                case .zone(_, let name, _, let zone, let zoneClaims, let zoneDiagnostics):
                    definitions.zones[name] = zone
                    if zoneDiagnostics.hasErrors { definitions.failed[.zone, default: []].insert(name) }
                    claims += zoneClaims
                    diagnostics += zoneDiagnostics
                case .other(let document):
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
        // Every node of a fleet answers for the zone: with keys of their own, resolvers would get a
        // different DNSKEY set from each and fail the zone.
        if definitions.fleet != nil {
            for (name, zone) in definitions.zones.sorted(by: { $0.key < $1.key }) where zone.dnssec != nil && zone.dnssec?.keyFile == nil {
                guard let location = firstDefinition["Zone/\(name)"] else { continue }
                diagnostics.append(Diagnostic(.error, at: location, path: "spec.dnssec",
                                              "a signed zone in a fleet without keyFrom at spec.dnssec in Zone/\(name)",
                                              allowed: "every node must sign with the same key: set keyFrom: file:/path to a key file each node holds"))
            }
        }

        let sorted = diagnostics.sortedByLocation()
        let state = sorted.hasErrors ? nil : DesiredState(
            zones: Array(definitions.zones.values), monitors: Array(definitions.monitors.values),
            failoverPolicies: Array(definitions.failoverPolicies.values), weightedPolicies: Array(definitions.weightedPolicies.values),
            geoPolicies: definitions.geoPolicies, notifiers: Array(definitions.notifiers.values), catalogs: definitions.catalogs,
            targets: Array(definitions.targets.values), fleet: definitions.fleet)
        return CompileResult(state: state, diagnostics: sorted, documentCount: documentCount, fileCount: sources.count)
    }

    /// Decodes one document into `definitions`, after the kinds it refers to (`decodeOrder`).
    private static func decode(_ document: ManifestDocument, into definitions: inout Definitions, claims: inout [OwnerClaim],
                               diagnostics: inout [Diagnostic]) {
        let kind = document.kind
        var decoder = DocumentDecoder(subject: document.subject, file: document.file, failed: definitions.failed)
        switch kind {
        case .zone: break  // decoded as its file is read (`read(_:)`)
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
        case .target: definitions.targets[document.name] = decoder.decodeTarget(document, definitions: definitions)
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
