import Foundation

/// A CA and a certificate signed by it for every name and address the demo serves over HTTPS, made with
/// `openssl` once and kept (`ca.pem`, `endpoint.pem`, `endpoint.key`): the `web` monitor trusts the CA
/// through its `caFile`, exactly as a monitor would trust a private CA in production.
enum DemoCertificate {
    struct Files {
        var ca: URL
        var certificate: URL
        var key: URL
    }

    static func ensure(in directory: URL, names: [String], addresses: [String]) throws -> Files {
        let files = Files(ca: directory.appendingPathComponent("ca.pem"), certificate: directory.appendingPathComponent("endpoint.pem"),
                          key: directory.appendingPathComponent("endpoint.key"))
        let sans = (names.map { "DNS:\($0)" } + addresses.map { "IP:\($0)" }).joined(separator: ",")
        let sansFile = directory.appendingPathComponent("endpoint.sans")
        // Made again when the names served change (a monitor's host or an endpoint added).
        if FileManager.default.fileExists(atPath: files.certificate.path), (try? String(contentsOf: sansFile, encoding: .utf8)) == sans {
            return files
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let caKey = directory.appendingPathComponent("ca.key")
        let request = directory.appendingPathComponent("endpoint.csr")
        let extensions = directory.appendingPathComponent("endpoint.ext")
        try "subjectAltName=\(sans)\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            .write(to: extensions, atomically: true, encoding: .utf8)
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "3650",
                     "-subj", "/CN=Switchyard demo CA", "-keyout", caKey.path, "-out", files.ca.path])
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=\(names.first ?? "localhost")",
                     "-keyout", files.key.path, "-out", request.path])
        try openssl(["x509", "-req", "-in", request.path, "-CA", files.ca.path, "-CAkey", caKey.path, "-CAcreateserial", "-days", "3650",
                     "-extfile", extensions.path, "-out", files.certificate.path])
        for file in [caKey, files.key] { chmod(file.path, 0o600) }
        try sans.write(to: sansFile, atomically: true, encoding: .utf8)
        return files
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { throw DemoError("openssl is needed to make the demo's certificates (apt-get install openssl): \(error)") }
        let detail = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw DemoError("openssl \(arguments.first ?? "") failed: \(String(decoding: detail, as: UTF8.self))")
        }
    }
}

struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
