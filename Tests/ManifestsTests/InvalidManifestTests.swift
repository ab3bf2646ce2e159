import Foundation
import Testing
@testable import Manifests

/// Each file in Fixtures/invalid ends with `# expect:` lines: the exact diagnostics it must produce, in
/// order. The whole list is compared, so a missing, extra or reworded diagnostic fails.
@Suite("Invalid manifests")
struct InvalidManifestTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/invalid")

    static let fixtures: [String] = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?
        .filter { $0.hasSuffix(".yaml") }.sorted() ?? []

    @Test func thereAreFixtures() {
        #expect(Self.fixtures.count >= 14)
    }

    @Test(arguments: fixtures)
    func producesExactlyTheExpectedDiagnostics(fixture: String) throws {
        let text = try String(contentsOf: Self.directory.appendingPathComponent(fixture), encoding: .utf8)
        let expected = text.split(separator: "\n").compactMap { line -> String? in
            line.hasPrefix("# expect: ") ? String(line.dropFirst("# expect: ".count)) : nil
        }
        #expect(!expected.isEmpty, "\(fixture) states no expected diagnostic")
        let result = ManifestCompiler.compile([ManifestSource(path: fixture, text: text)])
        let actual = result.diagnostics.map { diagnostic in
            "\(diagnostic.location.line):\(diagnostic.location.column): \(diagnostic.severity.rawValue): "
                + diagnostic.message + (diagnostic.allowed.map { "; \($0)" } ?? "")
        }
        #expect(actual == expected)
        #expect(result.state == nil)
        #expect(result.diagnostics.allSatisfy { $0.location.file == fixture })
    }
}
