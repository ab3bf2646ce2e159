import Manifests
import Model

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
