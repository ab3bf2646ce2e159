import DNSWire
import Foundation
import Logging
import Model
import Server

/// Where TSIG secrets come from: the environment variable `SWITCHYARD_TSIG_<NAME>`, NAME being the key
/// name in upper case with every character other than a letter or digit as `_` (`xfr` is read from
/// `SWITCHYARD_TSIG_XFR`), holding the secret in base64 as BIND's `secret "…"` does.
enum TSIGKeys {
    static func variable(for keyName: String) -> String {
        let trimmed = keyName.hasSuffix(".") ? String(keyName.dropLast()) : keyName
        return "SWITCHYARD_TSIG_" + String(trimmed.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    /// The keys `zones` name, read from the environment. A key without a usable secret is logged (by
    /// name, never by value) and left out, so transfers that need it are refused.
    static func keyring(for zones: [Zone], logger: Logger,
                        environment: [String: String] = ProcessInfo.processInfo.environment) -> TSIGKeyring {
        var secrets: [Name: [UInt8]] = [:]
        let names = Set(zones.flatMap { $0.secondaries.compactMap(\.tsigKey) })
        for keyName in names.sorted() {
            let variable = variable(for: keyName)
            guard let name = try? Name(keyName), let text = environment[variable],
                  let secret = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), !secret.isEmpty else {
                logger.error("TSIG key has no secret; transfers that need it are refused",
                             metadata: ["key": "\(keyName)", "variable": "\(variable)"])
                continue
            }
            secrets[name] = [UInt8](secret)
        }
        return TSIGKeyring(secrets: secrets)
    }
}
