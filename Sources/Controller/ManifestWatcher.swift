import Manifests

/// Tells when the manifests on disk have changed since the last look, by their paths and bytes.
struct ManifestWatcher {
    let paths: [String]
    private var lastFingerprint: Int? = nil

    init(paths: [String]) {
        self.paths = paths
    }

    /// The current sources when they differ from the last call's (or on the first call), else nil.
    mutating func changedSources() -> (sources: [ManifestSource], diagnostics: [Diagnostic])? {
        let (sources, diagnostics) = ManifestFiles.read(paths)
        var hasher = Hasher()
        for source in sources {
            hasher.combine(source.path)
            hasher.combine(source.bytes)
        }
        hasher.combine(diagnostics.count)
        let fingerprint = hasher.finalize()
        guard fingerprint != lastFingerprint else { return nil }
        lastFingerprint = fingerprint
        return (sources, diagnostics)
    }
}
