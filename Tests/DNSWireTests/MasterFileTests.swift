import Testing
@testable import DNSWire

/// Master-format zone files (RFC 1035 §5.1) read into records, and their errors with file:line:column.
@Suite("Master files")
struct MasterFileTests {
    static let origin = try! Name("example.com.")

    static func read(_ text: String, includes: [String: String] = [:]) throws(MasterFile.Problem) -> [String] {
        try MasterFile.read(text, file: "db.example", origin: origin) { path, _ in
            guard let included = includes[path] else { throw MasterFile.Problem(file: path, line: 0, column: 0, message: "no such file") }
            return (path, included)
        }.map { "\($0.record.name) \($0.record.ttl) \($0.record.type) \($0.record.data)" }
    }

    @Test func everyFormOfEntry() throws {
        let records = try Self.read("""
            $TTL 1h
            @   IN  SOA ns1 hostmaster ( 2024010101 ; serial
                        3600 600 1209600 300 )
                IN  NS  ns1
                    NS  ns2.example.net.
            ns1 300 IN A 192.0.2.53
            www IN 60 A 192.0.2.1
                      A 192.0.2.2        ; the owner carries over
            txt TXT "semi;colon" "say \\"hi\\"" plain
            $ORIGIN sub.example.com.
            host AAAA 2001:db8::1
            odd TYPE65280 \\# 4 0a000001
            $INCLUDE extra.db inc.example.com.
            after A 192.0.2.9
            """, includes: ["extra.db": "x 120 MX 10 mail\n"])
        #expect(records == [
            "example.com. 3600 SOA ns1.example.com. hostmaster.example.com. 2024010101 3600 600 1209600 300",
            "example.com. 3600 NS ns1.example.com.",
            "example.com. 3600 NS ns2.example.net.",
            "ns1.example.com. 300 A 192.0.2.53",
            "www.example.com. 60 A 192.0.2.1",
            "www.example.com. 3600 A 192.0.2.2",
            "txt.example.com. 3600 TXT \"semi;colon\" \"say \\\"hi\\\"\" \"plain\"",
            "host.sub.example.com. 3600 AAAA 2001:db8::1",
            "odd.sub.example.com. 3600 TYPE65280 \\# 4 0a000001",
            "x.inc.example.com. 120 MX 10 mail.inc.example.com.",
            // The origin is the including file's again after $INCLUDE (RFC 1035 §5.1).
            "after.sub.example.com. 3600 A 192.0.2.9",
        ])
    }

    /// Without $TTL, a record takes the last TTL written.
    @Test func theLastTTLCarriesOver() throws {
        #expect(try Self.read("a 300 A 192.0.2.1\nb A 192.0.2.2\n") == ["a.example.com. 300 A 192.0.2.1", "b.example.com. 300 A 192.0.2.2"])
    }

    @Test(arguments: [
        ("a A 192.0.2.1", "db.example:1:3: no TTL: write one on the record or a $TTL line before it"),
        ("$TTL 60\na FOO bar", "db.example:2:3: unknown record type FOO; expected a mnemonic such as A or MX, or TYPE<number>"),
        ("$TTL 60\n\n@ SOA ns1 hostmaster ( 1 2 3 4\n", "db.example:3:22: \"(\" not closed"),
        ("$TTL 60\na CH A 192.0.2.1", "db.example:2:3: class CH: only IN records are read"),
        ("$GENERATE 1-9 h$ A 192.0.2.$", "db.example:1:1: unsupported directive $GENERATE; expected $ORIGIN, $TTL or $INCLUDE"),
        ("$TTL 60\n  A 192.0.2.1", "db.example:2:3: no owner name, and no record before this one to take it from"),
        ("$TTL 60\na A 192.0.2.300", "db.example:2:5: invalid A data \"192.0.2.300\"; expected an IPv4 address such as \"192.0.2.1\""),
        ("$TTL 60\nt TXT \"open", "db.example:2:7: unterminated quoted string; close it with \""),
        ("$INCLUDE missing.db", "db.example:1:10: cannot include missing.db: missing.db:0:0: no such file"),
    ])
    func problemsSayWhere(text: String, expected: String) {
        #expect(throws: MasterFile.Problem.self) { try Self.read(text) }
        do {
            _ = try Self.read(text)
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test func anIncludeLoopStops() {
        do {
            _ = try Self.read("$INCLUDE self.db", includes: ["self.db": "$INCLUDE self.db\n"])
            Issue.record("a file that includes itself was read")
        } catch {
            #expect(error.message.contains("nested more than 16 deep"))
        }
    }
}
