import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `--output text|json`, shared by the commands that print results.
struct OutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(name: .long, help: "Output format: text (coloured on a terminal) or json (stable, formatVersion 1).")
    var output: Format = .text

    /// Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    var useColor: Bool {
        isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil
    }

    /// The same rule for what goes to standard error.
    static var standardErrorIsColored: Bool {
        isatty(STDERR_FILENO) == 1 && getenv("NO_COLOR") == nil
    }
}
