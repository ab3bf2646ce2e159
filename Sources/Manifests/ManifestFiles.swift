import Foundation

/// Finds and reads manifest files: the one place the Manifests module touches the file system, so
/// everything else stays a pure function of the bytes read here.
public enum ManifestFiles {
    /// Reads each path: a file as given, a directory's `.yaml` and `.yml` files recursively, skipping
    /// hidden entries, in byte order of their paths so runs are reproducible. Paths that cannot be read
    /// become diagnostics.
    public static func read(_ paths: [String]) -> (sources: [ManifestSource], diagnostics: [Diagnostic]) {
        var files: [String] = []
        var diagnostics: [Diagnostic] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: 0, column: 0),
                                              "no such file or directory", allowed: "give a manifest file or a directory of them"))
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            let entries = (manager.enumerator(atPath: path)?.compactMap { $0 as? String } ?? [])
                .filter { entry in
                    (entry.hasSuffix(".yaml") || entry.hasSuffix(".yml"))
                        && !entry.split(separator: "/").contains { $0.hasPrefix(".") }
                }
                .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            files += entries.map { "\(base)/\($0)" }
        }
        var sources: [ManifestSource] = []
        for file in files {
            guard let data = manager.contents(atPath: file) else {
                diagnostics.append(Diagnostic(.error, at: SourceLocation(file: file, line: 0, column: 0),
                                              "cannot read the file", allowed: "check that it exists and is readable"))
                continue
            }
            sources.append(ManifestSource(path: file, bytes: [UInt8](data)))
        }
        return (sources, diagnostics)
    }
}
