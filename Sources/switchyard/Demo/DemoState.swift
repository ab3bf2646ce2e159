import Foundation
import Model

/// Where the demo keeps what it needs under the data directory (`.switchyard/demo`): its CA and
/// certificate, the secrets it gives the controller and its receivers, and one file per endpoint told
/// to fail. Nothing of it is used outside `switchyard demo`.
struct DemoState {
    let directory: URL

    init(dataDirectory: String) {
        directory = URL(fileURLWithPath: dataDirectory).appendingPathComponent("demo")
    }

    var downDirectory: URL { directory.appendingPathComponent("down") }

    /// The file whose presence makes `endpoint` of `monitor` fail its probes.
    func downFile(_ key: EndpointKey) -> URL {
        let name = "\(key.monitor)_\(key.value)".map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
        return downDirectory.appendingPathComponent(String(name))
    }

    func isDown(_ key: EndpointKey) -> Bool {
        FileManager.default.fileExists(atPath: downFile(key).path)
    }

    func setDown(_ key: EndpointKey, _ down: Bool) throws {
        try FileManager.default.createDirectory(at: downDirectory, withIntermediateDirectories: true)
        if down {
            try Data().write(to: downFile(key))
        } else if isDown(key) {
            try FileManager.default.removeItem(at: downFile(key))
        }
    }

    /// A secret kept across runs (so deliveries retried after a restart still verify), made on first use.
    func secret(_ name: String) throws -> String {
        let file = directory.appendingPathComponent("\(name).secret")
        if let text = try? String(contentsOf: file, encoding: .utf8), !text.isEmpty { return text }
        var bytes = [UInt8](repeating: 0, count: 24)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        let text = Data(bytes).base64EncodedString()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        chmod(file.path, 0o600)
        return text
    }
}
