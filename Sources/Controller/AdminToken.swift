import AdminAPI
import Crypto
import Foundation

/// The bearer token the admin API requires: `SWITCHYARD_TOKEN`, else the token file given, else
/// `<data-dir>/admin.token`, generated (mode 0600) when missing. Clients find it the same way
/// (`AdminTokenFile`).
enum AdminToken {
    /// The token to require: creates the default file when there is none.
    static func resolve(environment: [String: String], tokenFile: String?, dataDirectory: String) throws -> String {
        if let token = environment["SWITCHYARD_TOKEN"], !token.isEmpty { return token }
        let path = tokenFile ?? AdminTokenFile.defaultPath(dataDirectory: dataDirectory)
        if let token = AdminTokenFile.read(path) { return token }
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

    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "cannot read or create the admin token file \(path)" }
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
