import Foundation

/// Where the admin API's bearer token is found: `SWITCHYARD_TOKEN`, else the token file given, else
/// `<data-dir>/admin.token` (which a controller generates, mode 0600, when none is configured).
public enum AdminTokenFile {
    public static func defaultPath(dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("admin.token")
    }

    /// The token to send, or nil when none is configured.
    public static func find(environment: [String: String], tokenFile: String?, dataDirectory: String) -> String? {
        if let token = environment["SWITCHYARD_TOKEN"], !token.isEmpty { return token }
        return read(tokenFile ?? defaultPath(dataDirectory: dataDirectory))
    }

    /// The file's text without surrounding white space; nil when it cannot be read or is empty.
    public static func read(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }
}
