import Foundation
import Testing
@testable import DNSWire

/// DNSSEC record data against RFC 4034's own examples, and the canonical form a signature covers.
@Suite("DNSSEC record data")
struct DNSSECTests {
    /// RFC 4034 §4.3: `alfa.example.com. NSEC host.example.com. A MX RRSIG NSEC TYPE1234`.
    @Test func nsecTypeBitmapIsTheRFCExample() throws {
        let nsec = NSEC(next: try Name("host.example.com."), types: [.a, .mx, .rrsig, .nsec, RRType(1234)])
        let bitmap: [UInt8] = [0x00, 0x06, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03, 0x04, 0x1B] + [UInt8](repeating: 0, count: 26) + [0x20]
        #expect(NSEC.bitmap(nsec.types) == bitmap)
        #expect(nsec.rdata == Array("\u{4}host\u{7}example\u{3}com\u{0}".utf8) + bitmap)
        #expect(try NSEC(rdata: nsec.rdata) == nsec)
        #expect(nsec.description == "host.example.com. A MX RRSIG NSEC TYPE1234")
        // Windows out of order, or an empty one, are refused.
        #expect(throws: DNSWireError.self) { try NSEC(rdata: Array("\u{0}".utf8) + [0x04, 0x01, 0x20, 0x00, 0x01, 0x40]) }
        #expect(throws: DNSWireError.self) { try NSEC(rdata: Array("\u{0}".utf8) + [0x00, 0x00]) }
    }

    /// RFC 4034 §5.4: the DNSKEY of `dskey.example.com.` has key tag 60485.
    @Test func keyTagIsTheRFCExample() throws {
        let key = try #require(Data(base64Encoded: """
            AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7Or\
            zKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==
            """))
        let dnskey = DNSKEY(flags: 256, algorithm: 5, publicKey: Array(key))
        #expect(dnskey.keyTag == 60485)
        #expect(try DNSKEY(rdata: dnskey.rdata) == dnskey)
        #expect(dnskey.description == "256 3 5 " + key.base64EncodedString())
        #expect(!dnskey.isSecureEntryPoint)
        #expect(dnskey.digestInput(owner: try Name("DSKEY.Example.COM.")) == Array("\u{5}dskey\u{7}example\u{3}com\u{0}".utf8) + dnskey.rdata)
        let ds = DS(keyTag: 60485, algorithm: 5, digestType: 1, digest: [0x2B, 0xB1, 0x83, 0xAF])
        #expect(try DS(rdata: ds.rdata) == ds)
        #expect(ds.description == "60485 5 1 2BB183AF")
        // RFC 4034 §5.4's DS in zone-file form (digest split, as dig prints it) reads as DS data, and shows typed.
        let written = try RData(type: .ds, presentation: "60485 5 1 ( 2BB183AF5F22588179A53B0A 98631FAD1A292118 )")
        let rfc = DS(keyTag: 60485, algorithm: 5, digestType: 1, digest: Array(hex: "2BB183AF5F22588179A53B0A98631FAD1A292118"))
        #expect(written == .unknown(type: .ds, data: rfc.rdata))
        #expect(written.description == "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118")
    }

    @Test func rrsigRoundTripsAndShowsItsTimes() throws {
        // RFC 4034 §3.3's times: 20030322173103 and 20030220173103.
        let expiration = UInt32(Date(timeIntervalSince1970: 0).addingTimeInterval(1_048_354_263).timeIntervalSince1970)
        let rrsig = RRSIG(typeCovered: .a, algorithm: 5, labels: 3, originalTTL: 86400, expiration: expiration,
                          inception: expiration - 86400 * 30, keyTag: 2642, signer: try Name("Example.COM."), signature: [1, 2, 3])
        #expect(rrsig.description == "A 5 3 86400 20030322173103 20030220173103 2642 example.com. AQID")
        var parsed = try RRSIG(rdata: rrsig.rdata)
        #expect(parsed.signer == rrsig.signer && parsed.signature == [1, 2, 3])
        parsed.signature = []
        #expect(parsed.rdata == rrsig.headerWire, "the signer is written lower-cased")
        #expect(RRSIG.time(0) == "19700101000000" && RRSIG.time(951_782_400) == "20000229000000" && RRSIG.time(.max) == "21060207062815")
    }

    /// §3.1.8.1 and §6: the header, then each record with the lower-cased owner (or the wildcard it came
    /// from), the original TTL and canonical RDATA, sorted, duplicates once.
    @Test func signedDataIsCanonical() throws {
        let rrsig = RRSIG(typeCovered: .mx, algorithm: 13, labels: 2, originalTTL: 300, expiration: 2, inception: 1, keyTag: 7,
                          signer: try Name("example.com."))
        let rdatas: [RData] = [.mx(.init(preference: 20, exchange: try Name("B.example.com."))),
                               .mx(.init(preference: 10, exchange: try Name("a.EXAMPLE.com."))),
                               .mx(.init(preference: 10, exchange: try Name("A.example.com.")))]
        let data = rrsig.signedData(owner: try Name("Mail.Sub.Example.com."), rdatas: rdatas)
        let owner = Array("\u{1}*\u{7}example\u{3}com\u{0}".utf8)  // three labels, two signed: a wildcard expansion
        func record(_ preference: UInt8, _ exchange: String) -> [UInt8] {
            let rdata = [0, preference] + Array(exchange.utf8)
            return owner + [0, 15, 0, 1, 0, 0, 1, 44, 0, UInt8(rdata.count)] + rdata
        }
        #expect(data == rrsig.headerWire + record(10, "\u{1}a\u{7}example\u{3}com\u{0}") + record(20, "\u{1}b\u{7}example\u{3}com\u{0}"))
    }

    @Test func base64IsRFC4648() {
        for length in 0..<12 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            #expect(Base64.encode(bytes) == Data(bytes).base64EncodedString())
        }
    }
}

private extension Array where Element == UInt8 {
    init(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        self = bytes
    }
}
