import Crypto
import Foundation

/// The bearer token of the admin API: `SWITCHYARD_TOKEN`, else the token file given, else
/// `<data-dir>/admin.token`, generated (mode 0600) when missing. The CLI reads the same places.
public enum AdminToken {
    public static func defaultFile(dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("admin.token")
    }

    /// The token to require (controller side): creates the default file when there is none.
    public static func resolve(environment: [String: String], tokenFile: String?, dataDirectory: String) throws -> String {
        if let token = environment["SWITCHYARD_TOKEN"], !token.isEmpty { return token }
        let path = tokenFile ?? defaultFile(dataDirectory: dataDirectory)
        if let token = read(path) { return token }
        guard tokenFile == nil else { throw Missing(path: path) }
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        let token = bytes.map { String(format: "%02x", $0) }.joined()
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw Missing(path: path)
        }
        return token
    }

    /// The token to send (CLI side), or nil when none is configured.
    public static func find(environment: [String: String], tokenFile: String?, dataDirectory: String) -> String? {
        if let token = environment["SWITCHYARD_TOKEN"], !token.isEmpty { return token }
        return read(tokenFile ?? defaultFile(dataDirectory: dataDirectory))
    }

    public struct Missing: Error, CustomStringConvertible {
        let path: String
        public var description: String { "cannot read or create the admin token file \(path)" }
    }

    private static func read(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }

    /// Compares in time that depends only on the lengths: hashes first, then every byte.
    static func matches(_ presented: String, _ expected: String) -> Bool {
        let left = Array(SHA256.hash(data: Data(presented.utf8)))
        let right = Array(SHA256.hash(data: Data(expected.utf8)))
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
