import DNSWire
import Manifests
import Testing

/// What a Zone gets when it leaves a setting out.
@Suite("Zone defaults")
struct ZoneDefaultsTests {
    @Test func aZoneWithoutTTLUsesAnHour() throws {
        let result = ManifestCompiler.compile([ManifestSource(path: "zone.yaml", text: """
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.com}
            spec:
              soa: {primary: ns1, contact: hostmaster}
              nameservers: [ns1, ns2]
              records:
                - {name: www, type: A, values: [192.0.2.1]}
                - {name: api, type: A, ttl: 60, values: [192.0.2.2]}
            """)])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let zone = try #require(result.state?.zones.first)
        #expect(zone.ttl == 3600)
        #expect(zone.records.map(\.ttl).sorted() == [60, 3600])
    }
}
