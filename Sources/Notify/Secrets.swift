import Foundation
import Model

/// Reads a secret where its reference points, when it is needed (never stored, never logged).
public enum Secrets {
    public static func read(_ reference: SecretReference, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        switch reference {
        case .environment(let name):
            return environment[name]
        case .file(let path):
            guard var text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
            if text.hasSuffix("\n") { text.removeLast() }
            return text
        }
    }
}
