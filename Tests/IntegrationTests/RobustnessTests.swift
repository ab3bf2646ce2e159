import Foundation
import SwitchyardTesting
import Testing

/// No packet, however malformed, stops the server.
@Suite("Malformed traffic")
struct RobustnessTests {
    @Test func randomAndTruncatedPacketsDoNotStopTheServer() throws {
        let directory = try temporaryDirectory("robust")
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.com}
            spec: {ttl: 3600, soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1, ns2],
                   records: [{name: www, type: A, values: [192.0.2.1]}]}
            """.write(to: directory.appendingPathComponent("zone.yaml"), atomically: true, encoding: .utf8)
        let controller = try ControllerProcess(manifests: directory)
        defer { controller.stop() }

        // A real query, for mutations: www.example.com A with EDNS.
        let query: [UInt8] = [0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
                              3, 119, 119, 119, 7, 101, 120, 97, 109, 112, 108, 101, 3, 99, 111, 109, 0, 0, 1, 0, 1,
                              0, 0, 41, 4, 208, 0, 0, 0, 0, 0, 0]
        var generator = SystemRandomNumberGenerator()
        var packets: [[UInt8]] = []
        for round in 0..<3000 {
            switch round % 4 {
            case 0: packets.append((0..<Int.random(in: 0...600, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            case 1: packets.append(Array(query.prefix(Int.random(in: 0..<query.count, using: &generator))))
            case 2:
                var mutated = query
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                packets.append(mutated)
            default:
                var loop = query
                loop[12] = 0xC0
                loop[13] = UInt8.random(in: 0...40, using: &generator)  // pointers anywhere, loops included
                packets.append(loop)
            }
        }
        try sendUDP(packets, port: controller.port)
        try sendTCP([[0xFF, 0xFF, 1, 2, 3], [0, 5, 1, 2], query, [0, 2, 0xC0, 0x0C]], port: controller.port)

        #expect(controller.isRunning)
        let result = try dig(["www.example.com", "A"], port: controller.port)
        #expect(result.status == "NOERROR")
        #expect(result.answer == ["www.example.com. 3600 IN A 192.0.2.1"])
    }

    /// Sends datagrams to 127.0.0.1:port without waiting for answers.
    func sendUDP(_ packets: [[UInt8]], port: Int) throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EIO) }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        for packet in packets {
            _ = packet.withUnsafeBytes { bytes in
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(socket, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
        }
    }

    /// Opens one TCP connection per payload, writes it raw (broken length prefixes included) and closes.
    func sendTCP(_ payloads: [[UInt8]], port: Int) throws {
        for payload in payloads {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { throw POSIXError(.EIO) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if connected == 0 { _ = payload.withUnsafeBytes { write(socket, $0.baseAddress, $0.count) } }
            close(socket)
        }
    }
}
