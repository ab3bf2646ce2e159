import Manifests

/// Compiler-style lines, then one summary line.
struct DiagnosticTextRenderer {
    var useColor: Bool

    func render(_ result: CompileResult) -> String {
        var out = ""
        for diagnostic in result.diagnostics {
            var line = diagnostic.description
            if useColor {
                let label = "\(diagnostic.severity.rawValue):"
                let color = diagnostic.severity == .error ? "\u{1B}[31m" : "\u{1B}[33m"
                if let range = line.range(of: " \(label) ") {
                    line.replaceSubrange(range, with: " \(color)\(label)\u{1B}[0m ")
                }
            }
            out += line + "\n"
        }
        out += summary(result) + "\n"
        return out
    }

    func summary(_ result: CompileResult) -> String {
        let verdict = result.errorCount == 0 ? "valid" : "invalid"
        return "\(verdict): \(count(result.errorCount, "error")), \(count(result.warningCount, "warning")) "
            + "in \(count(result.documentCount, "document")) (\(count(result.fileCount, "file")))"
    }

    private func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}

/// `{"formatVersion": 1, "diagnostics": [...], "summary": {...}}` with keys in a fixed order.
struct DiagnosticJSONRenderer {
    func render(_ result: CompileResult) -> String {
        let diagnostics = result.diagnostics.map { diagnostic in
            object([
                ("severity", jsonString(diagnostic.severity.rawValue)),
                ("file", jsonString(diagnostic.location.file)),
                ("line", String(diagnostic.location.line)),
                ("column", String(diagnostic.location.column)),
                ("path", jsonString(diagnostic.path)),
                ("message", jsonString(diagnostic.message)),
                ("allowed", diagnostic.allowed.map(jsonString) ?? "null"),
            ])
        }
        let summary = object([
            ("valid", result.errorCount == 0 ? "true" : "false"),
            ("errors", String(result.errorCount)),
            ("warnings", String(result.warningCount)),
            ("documents", String(result.documentCount)),
            ("files", String(result.fileCount)),
        ])
        return "{\n  \"formatVersion\": 1,\n  \"diagnostics\": ["
            + diagnostics.map { "\n    " + $0 }.joined(separator: ",") + (diagnostics.isEmpty ? "" : "\n  ")
            + "],\n  \"summary\": \(summary)\n}"
    }

    private func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(jsonString($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }
}

/// A JSON string literal (RFC 8259 §7).
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
