import DNSWire
import Model

/// Reads typed values from one document's nodes, collecting every problem instead of stopping at the
/// first (octoDNS's way): each reader returns nil after recording why.
///
/// Messages read `<what is wrong> at <path> in <Kind/name>; <what is allowed>`.
struct DocumentDecoder {
    /// `Zone/example.com`, named in every message.
    let subject: String
    /// The file the document is in, for the locations of diagnostics.
    let file: String
    /// Names of documents that failed to decode, by kind; references to them stay quiet.
    let failed: [Kind: Set<String>]
    var diagnostics: [Diagnostic] = []

    init(subject: String, file: String, failed: [Kind: Set<String>] = [:]) {
        self.subject = subject
        self.file = file
        self.failed = failed
    }

    func location(_ node: YAMLNode) -> SourceLocation { node.location(in: file) }

    func location(_ position: SourcePosition) -> SourceLocation {
        SourceLocation(file: file, line: Int(position.line), column: Int(position.column))
    }

    // Paths and "expected" texts are autoclosures throughout: they are built only when a problem is
    // reported, not for each of the hundreds of thousands of fields that are fine.

    mutating func error(at location: SourceLocation, _ path: String, _ problem: String, allowed: String? = nil) {
        diagnostics.append(Diagnostic(.error, at: location, path: path, describe(problem, path), allowed: allowed))
    }

    mutating func error(_ node: YAMLNode, _ path: String, _ problem: String, allowed: String? = nil) {
        error(at: location(node), path, problem, allowed: allowed)
    }

    mutating func warning(_ node: YAMLNode, _ path: String, _ problem: String, allowed: String? = nil) {
        diagnostics.append(Diagnostic(.warning, at: location(node), path: path, describe(problem, path), allowed: allowed))
    }

    private func describe(_ problem: String, _ path: String) -> String {
        path.isEmpty ? "\(problem) in \(subject)" : "\(problem) at \(path) in \(subject)"
    }

    /// Reports a problem whose text from DNSWire already says "what; allowed".
    mutating func error(_ node: YAMLNode, _ path: String, presentation: PresentationError) {
        let parts = presentation.message.split(separator: "; ", maxSplits: 1)
        error(node, path, String(parts[0]), allowed: parts.count > 1 ? String(parts[1]) : nil)
    }
}

/// A mapping's fields, looked up by key; null values count as absent.
struct Fields {
    let pairs: [YAMLPair]
    let path: String
    /// Where the mapping starts.
    let position: SourcePosition
    /// Keys offered as "did you mean" for an unknown key: their absence is already explained.
    var suggested: Set<String> = []

    subscript(key: String) -> YAMLNode? {
        // Compares in place: this runs for every field of every record.
        for index in pairs.indices {
            guard case .scalar(let text, _) = pairs[index].key.content, text == key else { continue }
            return pairs[index].value.isNull ? nil : pairs[index].value
        }
        return nil
    }

    func has(_ key: String) -> Bool { self[key] != nil }

    /// The path of a field: `spec` + `ttl` = `spec.ttl`.
    func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}

func itemPath(_ path: String, _ index: Int) -> String { "\(path)[\(index)]" }

extension DocumentDecoder {
    /// Reads `node` as a mapping whose keys must be among `allowed`. Unknown keys are reported with the
    /// closest allowed one ("did you mean") or the whole list.
    mutating func fields(_ node: YAMLNode, _ path: String, allowed: [String]) -> Fields? {
        guard case .mapping(let pairs) = node.content else {
            error(node, path, "found \(node.kindDescription)", allowed: "expected a mapping with fields \(quotedList(allowed))")
            return nil
        }
        var suggested: Set<String> = []
        for pair in pairs where !allowed.contains(pair.keyText) {
            let match = closestMatch(to: pair.keyText, in: allowed)
            if let match { suggested.insert(match) }
            error(pair.key, path, "unknown field \"\(pair.keyText)\"",
                  allowed: match.map { "did you mean \"\($0)\"?" } ?? "allowed fields are \(quotedList(allowed))")
        }
        return Fields(pairs: pairs, path: path, position: node.position, suggested: suggested)
    }

    /// The field `key`, or nil after reporting it missing.
    mutating func required(_ fields: Fields, _ key: String, _ expected: @autoclosure () -> String) -> YAMLNode? {
        if let node = fields[key] { return node }
        if fields.suggested.contains(key) { return nil }  // "did you mean" said it already
        error(at: location(fields.pairs.first { $0.keyText == key }?.value.position ?? fields.position), fields.path,
              "missing field \"\(key)\"", allowed: "expected \(expected())")
        return nil
    }

    /// A scalar's text, as written. Any scalar style is fine: `NO`, `on` and `1.10` stay that text.
    mutating func text(_ node: YAMLNode, _ path: @autoclosure () -> String, _ expected: @autoclosure () -> String) -> String? {
        guard case .scalar(let text, _) = node.content, !node.isNull else {
            error(node, path(), "found \(node.kindDescription)", allowed: "expected \(expected())")
            return nil
        }
        return text
    }

    /// A whole number written without quotes, within `range`.
    mutating func integer(_ node: YAMLNode, _ path: @autoclosure () -> String, _ what: String, _ range: ClosedRange<Int>) -> Int? {
        var expected: String { "a whole number from \(range.lowerBound) to \(range.upperBound)" }
        guard case .scalar(let text, let style) = node.content, !node.isNull else {
            error(node, path(), "found \(node.kindDescription)", allowed: "expected \(what) as \(expected)")
            return nil
        }
        guard let value = Int(text), text.first != "+", style == .plain else {
            let hint = style != .plain && Int(text) != nil ? ", without quotes" : ""
            error(node, path(), "invalid \(what) \(node.kindDescription)", allowed: "expected \(expected)\(hint)")
            return nil
        }
        guard range.contains(value) else {
            error(node, path(), "\(what) \(value) is out of range", allowed: "expected \(expected)")
            return nil
        }
        return value
    }

    /// `true` or `false`, unquoted; YAML 1.1's `yes`, `on` and friends are refused, not guessed.
    mutating func boolean(_ node: YAMLNode, _ path: @autoclosure () -> String) -> Bool? {
        if case .scalar(let text, .plain) = node.content {
            if text == "true" { return true }
            if text == "false" { return false }
        }
        error(node, path(), "found \(node.kindDescription)", allowed: "expected true or false, without quotes")
        return nil
    }

    /// A list (a YAML sequence).
    mutating func list(_ node: YAMLNode, _ path: @autoclosure () -> String, _ expected: @autoclosure () -> String) -> [YAMLNode]? {
        guard case .sequence(let items) = node.content else {
            error(node, path(), "found \(node.kindDescription)", allowed: "expected a list of \(expected())")
            return nil
        }
        return items
    }

    /// One of an enumeration's raw values, exactly as spelled.
    mutating func choice<E: RawRepresentable & CaseIterable>(_ node: YAMLNode, _ path: @autoclosure () -> String, _ what: String,
                                                            _ type: E.Type) -> E? where E.RawValue == String {
        var names: [String] { E.allCases.map(\.rawValue) }
        guard let text = text(node, path(), "\(what): one of \(quotedList(names))") else { return nil }
        if let value = E(rawValue: text) { return value }
        let hint = closestMatch(to: text, in: names).map { "did you mean \"\($0)\"?" } ?? "expected one of \(quotedList(names))"
        error(node, path(), "invalid \(what) \"\(text)\"", allowed: hint)
        return nil
    }

    /// A duration such as `500ms`, `30s`, `2m`, `1h` or `1d`, within `range`.
    mutating func duration(_ node: YAMLNode, _ path: @autoclosure () -> String, _ what: String, _ range: ClosedRange<Duration>) -> Duration? {
        var expected: String { "a duration from \(format(range.lowerBound)) to \(format(range.upperBound)), such as 500ms, 30s, 2m, 1h or 1d" }
        guard let text = text(node, path(), expected) else { return nil }
        guard let value = parseDuration(text) else {
            error(node, path(), "invalid \(what) \"\(text)\"", allowed: "expected \(expected)")
            return nil
        }
        guard range.contains(value) else {
            error(node, path(), "\(what) \(text) is out of range", allowed: "expected \(expected)")
            return nil
        }
        return value
    }

    /// A TTL in seconds. Under 30 s is allowed but warned about.
    mutating func ttl(_ node: YAMLNode, _ path: @autoclosure () -> String) -> UInt32? {
        guard let value = integer(node, path(), "TTL", 0...2_147_483_647) else { return nil }
        if value < 30 {
            warning(node, path(), "TTL of \(value) s is under 30 s",
                    allowed: "short TTLs multiply query load and some resolvers raise them anyway; 30 s or more is recommended")
        }
        return UInt32(value)
    }

    /// A domain name; relative names are completed with `origin`.
    mutating func name(_ node: YAMLNode, _ path: @autoclosure () -> String, origin: Name?) -> Name? {
        guard let text = text(node, path(), "a domain name such as \"www\" or \"host.example.com.\"") else { return nil }
        do {
            return try Name(text, origin: origin)
        } catch {
            self.error(node, path(), presentation: error)
            return nil
        }
    }

    /// `env:NAME` or `file:/absolute/path`. The value itself is never repeated in a message: it may be
    /// a secret written where a reference belongs.
    mutating func secret(_ node: YAMLNode, _ path: @autoclosure () -> String) -> SecretReference? {
        let expected = "env:NAME or file:/absolute/path; secrets are never written in manifests"
        guard let text = text(node, path(), expected) else { return nil }
        if text.hasPrefix("env:") {
            let name = text.dropFirst(4)
            let isValid = !name.isEmpty && name.first.map { !$0.isNumber } == true
                && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            if isValid { return .environment(String(name)) }
        } else if text.hasPrefix("file:/") {
            return .file(String(text.dropFirst(5)))
        }
        error(node, path(), "the value is not a secret reference (not shown, in case it is a secret)",
              allowed: "expected \(expected)")
        return nil
    }
}

/// Reads `500ms`, `30s`, `2m`, `1h` or `1d`: a whole number and one unit.
public func parseDuration(_ text: String) -> Duration? {
    let digits = text.prefix { $0.isASCII && $0.isNumber }
    guard !digits.isEmpty, digits.count <= 9, let number = Int64(digits) else { return nil }
    switch text.dropFirst(digits.count) {
    case "ms": return .milliseconds(number)
    case "s": return .seconds(number)
    case "m": return .seconds(number * 60)
    case "h": return .seconds(number * 3600)
    case "d": return .seconds(number * 86400)
    default: return nil
    }
}

/// A duration the way manifests write it: `1d`, `2m`, `1500ms`.
func format(_ duration: Duration) -> String {
    let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
    where milliseconds >= size && milliseconds % size == 0 {
        return "\(milliseconds / size)\(unit)"
    }
    return "\(milliseconds)ms"
}
