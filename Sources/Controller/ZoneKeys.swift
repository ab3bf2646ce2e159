import Authority
import DNSWire
import Foundation
import Model

/// The signing key of each signed zone: read from the zone's `keyFrom` file, or from
/// `<data-dir>/dnssec/<zone>+<algorithm>.private` (`example.com+013.private`), generated there (mode
/// 0600) on first use; one file per algorithm, so a plan refused for changing the algorithm loses no key. Both are BIND's
/// private key format (v1.3), so a key made here works with BIND's tools and one made by
/// `dnssec-keygen` works here.
struct ZoneKeys: Sendable {
    let directory: String

    init(dataDirectory: String) {
        directory = (dataDirectory as NSString).appendingPathComponent("dnssec")
    }

    /// Why a zone's key cannot be had, as the apply reports it.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Every zone whose key could not be had, one line each.
    struct Failures: Error {
        let lines: [String]
    }

    /// The key of every signed zone of `state`, by origin.
    func load(for state: DesiredState) -> Result<[Name: ZoneSigningKey], Failures> {
        var keys: [Name: ZoneSigningKey] = [:]
        var failures: [String] = []
        for zone in state.zones {
            guard let signing = zone.dnssec else { continue }
            do {
                keys[zone.origin] = try key(for: zone, signing)
            } catch {
                failures.append("Zone/\(zone.name): spec.dnssec: \(error.description)")
            }
        }
        return failures.isEmpty ? .success(keys) : .failure(Failures(lines: failures))
    }

    private func key(for zone: Zone, _ signing: ZoneSigning) throws(Failure) -> ZoneSigningKey {
        if let file = signing.keyFile {
            let key = try Self.read(file)
            guard key.algorithm == signing.algorithm.number else {
                throw Failure(description: "the key in \(file) is of algorithm \(key.algorithm), not \(signing.algorithm.rawValue) (\(signing.algorithm.number))")
            }
            return key
        }
        let number = signing.algorithm.number
        let path = (directory as NSString).appendingPathComponent("\(zone.name)+\(number < 10 ? "00" : "0")\(number).private")
        if FileManager.default.fileExists(atPath: path) {
            let key = try Self.read(path)
            guard key.algorithm == number else {
                throw Failure(description: "the key in \(path) is of algorithm \(key.algorithm), not \(number); move the file away to have a new key made")
            }
            return key
        }
        let key: ZoneSigningKey
        do { key = try ZoneSigningKey.generate(algorithm: signing.algorithm.number) } catch {
            throw Failure(description: error.description)
        }
        try write(key, to: path)
        return key
    }

    /// Reads a BIND private key file: `Algorithm:` and `PrivateKey:` lines (base64).
    static func read(_ path: String) throws(Failure) -> ZoneSigningKey {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Failure(description: "cannot read the key file \(path)")
        }
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard let algorithmText = fields["Algorithm"], let algorithm = UInt8(algorithmText.prefix { $0.isNumber }) else {
            throw Failure(description: "\(path) is not a BIND private key file: no Algorithm: line")
        }
        // The value is secret: never quoted in an error.
        guard let encoded = fields["PrivateKey"], let octets = Data(base64Encoded: encoded) else {
            throw Failure(description: "\(path) has no PrivateKey: line in base64; only ECDSAP256SHA256 (13) and ED25519 (15) keys are read")
        }
        do { return try ZoneSigningKey(algorithm: algorithm, privateKey: Array(octets)) } catch {
            throw Failure(description: "\(path): \(error.description)")
        }
    }

    /// Writes `key` in BIND's format, readable by the controller's user alone, replacing no file.
    private func write(_ key: ZoneSigningKey, to path: String) throws(Failure) {
        let name = key.algorithm == DNSSEC.ed25519 ? "ED25519" : "ECDSAP256SHA256"
        let text = """
            Private-key-format: v1.3
            Algorithm: \(key.algorithm) (\(name))
            PrivateKey: \(Data(key.privateKey).base64EncodedString())

            """
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(description: "cannot create \(directory): \(error.localizedDescription)")
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw Failure(description: "cannot write the key file \(path)")
        }
    }
}
