import ArgumentParser
import Manifests

/// `switchyard validate [PATH…]`: checks manifests offline and prints every problem with its position.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check manifests without contacting a server.",
        discussion: """
            Prints each error and warning as FILE:LINE:COLUMN: SEVERITY: MESSAGE; ALLOWED, then a summary \
            line, all on standard output. Exits 1 when there is any error, 0 otherwise (warnings included); \
            64 on a usage error.
            """)

    @Argument(help: "Manifest files or directories (searched recursively for .yaml and .yml).")
    var paths: [String] = ["manifests"]

    @OptionGroup var output: OutputOptions

    func run() throws {
        let (sources, readProblems) = ManifestFiles.read(paths)
        var result = ManifestCompiler.compile(sources)
        result.diagnostics = (readProblems + result.diagnostics).sortedByLocation()
        switch output.output {
        case .text: print(DiagnosticTextRenderer(useColor: output.useColor).render(result), terminator: "")
        case .json: print(DiagnosticJSONRenderer().render(result))
        }
        if result.errorCount > 0 { throw ExitCode(1) }
    }
}
