/// One manifest file as written: its path and its text. An applied config is a list of these, stored
/// with its generation and sent whole by `reconcile`.
public struct SourceFile: Codable, Hashable, Sendable {
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    /// Tells two sets of manifests apart within this process (paths and text); not stable across runs.
    public static func digest(_ files: [SourceFile]) -> Int {
        var hasher = Hasher()
        for file in files {
            hasher.combine(file.path)
            hasher.combine(file.text)
        }
        return hasher.finalize()
    }
}
