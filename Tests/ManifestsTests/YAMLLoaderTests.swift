import Testing
@testable import Manifests

@Suite("YAML loading")
struct YAMLLoaderTests {
    func load(_ text: String) -> (documents: [YAMLNode], diagnostics: [String]) {
        let (documents, diagnostics) = YAMLLoader.documents(in: text, file: "t.yaml")
        return (documents, diagnostics.map(\.description))
    }

    @Test func scalarsKeepTheirTextStyleAndPosition() throws {
        let (documents, diagnostics) = load("""
            country: NO
            name: on
            version: 1.10
            quoted: 'yes'
            block: |
              two
              lines
            """)
        #expect(diagnostics.isEmpty)
        guard case .mapping(let pairs) = try #require(documents.first).content else { Issue.record("not a mapping"); return }
        #expect(pairs.map(\.keyText) == ["country", "name", "version", "quoted", "block"])
        #expect(pairs.map { $0.value.scalarText } == ["NO", "on", "1.10", "yes", "two\nlines"])
        guard case .scalar(_, let style) = pairs[3].value.content else { return }
        #expect(style == .singleQuoted)
        #expect(pairs[2].value.position == SourcePosition(line: 3, column: 10))
        #expect(pairs[4].key.location(in: "t.yaml") == SourceLocation(file: "t.yaml", line: 5, column: 1))
    }

    @Test func severalDocumentsAndEmptyOnesSkipped() {
        let (documents, diagnostics) = load("a: 1\n---\n# only a comment\n---\nb: 2\n---\n")
        #expect(diagnostics.isEmpty)
        #expect(documents.count == 2)
        #expect(documents.map(\.position.line) == [1, 5])
    }

    @Test func aliasesExpandAndKeepTheirOwnPosition() throws {
        let (documents, diagnostics) = load("base: &b {port: 443}\ncopy: *b\n")
        #expect(diagnostics.isEmpty)
        guard case .mapping(let pairs) = try #require(documents.first).content,
              case .mapping(let copied) = pairs[1].value.content else { Issue.record("not mappings"); return }
        #expect(copied.first?.keyText == "port")
        #expect(pairs[1].value.position.line == 2)
    }

    @Test func billionLaughsIsRefusedQuickly() {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let clock = ContinuousClock()
        var result: (documents: [YAMLNode], diagnostics: [String]) = ([], [])
        let elapsed = clock.measure { result = load(text) }
        #expect(result.documents.isEmpty)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.contains("expand to more than 1000000 nodes") == true)
        // Not a timing assertion on the code path: a sanity bound that the guard stops expansion at all.
        #expect(elapsed < .seconds(10))
    }

    @Test func undefinedAliasAndNonScalarKeys() {
        #expect(load("a: *nope\n").diagnostics
                == ["t.yaml:1:4: error: alias \"*nope\" refers to no anchor defined before it; define \"&nope\" earlier in the same document"])
        #expect(load("? [a, b]\n: c\n").diagnostics == ["t.yaml:1:3: error: a mapping key is a list; keys are plain text"])
    }

    @Test func duplicateKeysNameBothPlaces() {
        #expect(load("a: 1\nb: 2\na: 3\n").diagnostics
                == ["t.yaml:3:1: error: duplicate key \"a\"; each key appears once in a mapping; the first is at t.yaml:1:1"])
    }

    @Test func syntaxErrorsCarryTheirPosition() {
        let (documents, diagnostics) = load("ok: 1\n---\nkey: [unclosed\n")
        #expect(documents.count == 1)  // the document before the error is kept
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0].hasPrefix("t.yaml:4:1: error: YAML syntax error: did not find expected ',' or ']'"))
    }
}
