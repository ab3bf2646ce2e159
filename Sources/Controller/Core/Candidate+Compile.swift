import Manifests
import Model

extension Candidate {
    /// What a valid config needs from outside before the loop takes it: its secondaries' host names
    /// resolved and its zones' signing keys loaded (generated the first time). A key that cannot be
    /// loaded makes the config invalid: nothing of it is applied.
    mutating func prepare(keys: ZoneKeys) {
        guard case .valid(let desired, _) = compiled else { return }
        hostAddresses = HostResolver.addresses(for: desired)
        switch keys.load(for: desired) {
        case .success(let loaded):
            signingKeys = loaded
        case .failure(let failures):
            compiled = .invalid(failures.lines)
        }
    }
}

extension Candidate {
    /// Compiles manifests sent whole (an apply from the admin API): valid with its warnings, or every error.
    static func compiling(_ files: [SourceFile], revision: String?, readProblems: [Diagnostic] = []) -> Candidate {
        let compiled = ManifestCompiler.compile(files.map(ManifestSource.init))
        let diagnostics = (readProblems + compiled.diagnostics).sortedByLocation()
        guard readProblems.isEmpty, let desired = compiled.state else {
            return Candidate(files: files, revision: revision,
                             compiled: .invalid(diagnostics.filter { $0.severity == .error }.map(\.description)))
        }
        return Candidate(files: files, revision: revision, compiled: .valid(desired, warnings: diagnostics.map(\.description)))
    }
}
