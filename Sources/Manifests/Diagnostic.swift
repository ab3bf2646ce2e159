/// One problem found in the manifests, with where it is and what would be right.
///
/// Rendered compiler-style, so editors and CI annotations pick it up:
/// `manifests/www.yaml:14:9: error: monitor "webb" at spec.monitor in FailoverPolicy/www is not defined; defined monitors: "web"`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable {
        case error, warning
    }

    public var severity: Severity
    public var location: SourceLocation
    /// The field path inside the document, such as `spec.tiers[1].endpoints[0]`; empty for the file itself.
    public var path: String
    /// What is wrong, naming the document (`in FailoverPolicy/www`).
    public var message: String
    /// What is allowed instead, or nil when the message says it all.
    public var allowed: String?

    public init(_ severity: Severity, at location: SourceLocation, path: String = "", _ message: String,
                allowed: String? = nil) {
        self.severity = severity
        self.location = location
        self.path = path
        self.message = message
        self.allowed = allowed
    }

    /// `file:line:col: error: message; allowed`; a problem with the file as a whole has no line.
    public var description: String {
        let place = location.line > 0 ? location.description : location.file
        return "\(place): \(severity.rawValue): \(message)" + (allowed.map { "; \($0)" } ?? "")
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// In file order, then by position; stable for equal positions.
    public func sortedByLocation() -> [Diagnostic] {
        enumerated().sorted { ($0.element.location, $0.offset) < ($1.element.location, $1.offset) }.map(\.element)
    }
}
