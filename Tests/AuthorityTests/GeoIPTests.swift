import DNSWire
import Foundation
import Model
import Testing
@testable import Authority

/// Geo regions by country and continent, from a MaxMind DB built here with mmdb-writer (never downloaded).
@Suite("GeoIP")
struct GeoIPTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Writes a small country database: 198.51.100.0/24 NO/EU, 203.0.113.0/24 US/NA, 192.0.2.0/24 JP/AS,
    /// 2001:db8:aaaa::/48 DE/EU.
    static func buildDatabase() throws -> String {
        let python = root.appendingPathComponent(".build-venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Missing(what: "\(python): run scripts/ensure-python-tools.sh mmdb-writer netaddr (make test does)")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-geo-\(getpid())-\(UInt32.random(in: 0 ... .max)).mmdb").path
        let script = """
            from mmdb_writer import MMDBWriter
            from netaddr import IPSet
            w = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoIP2-Country")
            for net, country, continent in [("198.51.100.0/24", "NO", "EU"), ("203.0.113.0/24", "US", "NA"),
                                            ("192.0.2.0/24", "JP", "AS"), ("2001:db8:aaaa::/48", "DE", "EU")]:
                w.insert_network(IPSet([net]), {"country": {"iso_code": country}, "continent": {"code": continent}})
            w.to_db_file("\(path)")
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Missing(what: "mmdb-writer failed") }
        return path
    }

    struct Missing: Error, CustomStringConvertible {
        let what: String
        var description: String { what }
    }

    @Test func lookupsAndRegions() throws {
        let path = try Self.buildDatabase()
        defer { unlink(path) }
        let database = try GeoIPDatabase(path: path)
        #expect(database.locate(IPAddress("198.51.100.7")!) == .init(continent: "EU", country: "NO", prefixLength: 24))
        #expect(database.locate(IPAddress("2001:db8:aaaa::1")!) == .init(continent: "EU", country: "DE", prefixLength: 48))
        #expect(database.locate(IPAddress("10.1.1.1")!) == nil)
        #expect(throws: GeoIPDatabase.OpenError.self) { try GeoIPDatabase(path: "/nonexistent.mmdb") }

        func endpoint(_ text: String) -> Endpoint { Endpoint(value: .address(IPAddress(text)!)) }
        let target = PolicyTarget(zone: "example.com", owner: try Name("geo.example.com."), type: .a, ttl: 60)
        let policy = GeoPolicy(name: "geo", target: target, regions: [
            .init(name: "nordics", countries: ["NO"], answer: .endpoints([endpoint("10.0.0.1")])),
            .init(name: "europe", continents: ["EU"], answer: .endpoints([endpoint("10.0.0.2")])),
            .init(name: "americas", continents: ["NA", "SA"], answer: .endpoints([endpoint("10.0.0.3")])),
            .init(name: "rest", isDefault: true, answer: .endpoints([endpoint("10.0.0.9")])),
        ])
        let geo = GeoEvaluator.evaluate(policy, health: .allUnknown) { _ in nil }
        func region(_ address: String) -> (String, UInt8) {
            let (answer, scope) = geo.answer(for: IPAddress(address)!, geoip: database)
            guard case .all(let values) = answer.selection else { return ("?", scope) }
            return (values.map(\.description).joined(), scope)
        }
        #expect(region("198.51.100.7") == ("10.0.0.1", 24))  // the country region comes first
        #expect(region("2001:db8:aaaa::1") == ("10.0.0.2", 48))  // by continent, IPv6
        #expect(region("203.0.113.5") == ("10.0.0.3", 24))
        #expect(region("192.0.2.9") == ("10.0.0.9", 24))  // known but unmatched: default, scoped by the database
        #expect(region("10.1.1.1") == ("10.0.0.9", 32))  // unknown to the database
        // Without a database, regions that only list codes are never chosen.
        #expect(geo.answer(for: IPAddress("198.51.100.7")!).answer == geo.defaultAnswer)

        // A named network inside the database's block (198.51.100.0/24): the scope leaves it out.
        let nested = GeoPolicy(name: "geo", target: target, networks: [NamedNetwork(name: "lab", prefixes: [CIDR("198.51.100.128/25")!])],
                               regions: [.init(name: "lab", networks: ["lab"], answer: .endpoints([endpoint("10.0.0.5")]))] + policy.regions)
        let withLab = GeoEvaluator.evaluate(nested, health: .allUnknown) { _ in nil }
        #expect(withLab.answer(for: IPAddress("198.51.100.7")!, geoip: database).scope == 25)
        #expect(withLab.answer(for: IPAddress("198.51.100.200")!, geoip: database).scope == 25)
    }
}
