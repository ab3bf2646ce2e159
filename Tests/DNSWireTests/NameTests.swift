import Testing
@testable import DNSWire

@Suite("Name")
struct NameTests {
    @Test("presentation round trip", arguments: [
        // text in, canonical text out, wire label bytes
        ("www.example.com.", "www.example.com.", "03777777076578616d706c6503636f6d"),
        ("www.example.com", "www.example.com.", "03777777076578616d706c6503636f6d"),
        (".", ".", ""),
        ("a\\.b.example.", "a\\.b.example.", "03612e62076578616d706c65"),
        ("\\065\\066.example.", "AB.example.", "024142076578616d706c65"),
        ("sp\\032ace.", "sp\\032ace.", "06737020616365"),
        ("back\\\\slash.", "back\\\\slash.", "0a6261636b5c736c617368"),
        ("\\000\\255.", "\\000\\255.", "0200ff"),
        ("*.example.", "*.example.", "012a076578616d706c65"),
        ("quote\\\"d.", "quote\\\"d.", "0771756f74652264"),
    ])
    func roundTrip(input: String, output: String, wireHex: String) throws {
        let parsed = try Name(input)
        #expect(parsed.description == output)
        #expect(parsed.labelBytes == hex(wireHex))
        #expect(try Name(parsed.description) == parsed)
    }

    @Test func relativeNamesUseTheOrigin() throws {
        let origin = name("example.com.")
        #expect(try Name("www", origin: origin).description == "www.example.com.")
        #expect(try Name("@", origin: origin) == origin)
        #expect(try Name("other.org.", origin: origin).description == "other.org.")
        #expect(name("www.example.com.").relativeDescription(to: origin) == "www")
        #expect(origin.relativeDescription(to: origin) == "@")
        #expect(name("www.example.org.").relativeDescription(to: origin) == "www.example.org.")
        #expect(name("a\\.b.example.com.").relativeDescription(to: origin) == "a\\.b")
        #expect(name("www.example.com.").relativeDescription(to: .root) == "www.example.com")
    }

    @Test("bad names say what is wrong and what is allowed", arguments: [
        ("", "empty name; write \".\" for the root or \"@\" for the zone's origin"),
        ("a..b", "empty label in name \"a..b\"; labels are 1 to 63 characters separated by single dots"),
        (".a", "empty label in name \".a\"; labels are 1 to 63 characters separated by single dots"),
        (String(repeating: "x", count: 64) + ".", "label of 64 characters in name \"\(String(repeating: "x", count: 64)).\"; labels are at most 63 characters"),
        ("a\\", "name \"a\\\" ends with a lone backslash; escape it as \\\\"),
        ("a\\25", "bad escape in name \"a\\25\"; \\DDD takes exactly three digits from 000 to 255"),
        ("a\\256", "bad escape in name \"a\\256\"; \\DDD takes exactly three digits from 000 to 255"),
        ("a b", "whitespace or control character in name \"a b\"; escape it as \\DDD (a space is \\032)"),
        ("bücher.example", "non-ASCII character in name \"bücher.example\"; write internationalized names in their xn-- form"),
        ("@", "\"@\" used where no origin is known; write the full name"),
    ])
    func badNames(input: String, message: String) {
        #expect(presentationError { () throws(PresentationError) in try Name(input) } == message)
    }

    @Test func nameOf255OctetsIsTheLimit() throws {
        // 4 labels of 63 octets = 4 * 64 = 256 octets plus the root: too long. 3 of 63 + one of 61 = 255.
        let label63 = String(repeating: "a", count: 63)
        let longest = [label63, label63, label63, String(repeating: "b", count: 61)].joined(separator: ".") + "."
        #expect(try Name(longest).wireLength == 255)
        let tooLong = [label63, label63, label63, String(repeating: "b", count: 62)].joined(separator: ".") + "."
        #expect(presentationError { () throws(PresentationError) in try Name(tooLong) }?
            .hasSuffix("names are at most 255 octets in wire form") == true)
        #expect(presentationError { () throws(PresentationError) in try Name("x", origin: Name(longest)) } != nil)
    }

    @Test func caseIsKeptButIgnoredInComparison() {
        let mixed = name("WwW.ExAmPlE.CoM.")
        let lower = name("www.example.com.")
        #expect(mixed == lower)
        #expect(mixed.hashValue == lower.hashValue)
        #expect(mixed.description == "WwW.ExAmPlE.CoM.")
        #expect(Set([mixed, lower]).count == 1)
        #expect(mixed.lowercased().description == "www.example.com.")
        #expect(name("a.example.") != name("b.example."))
        #expect(name("example.") != name("example.com."))
        // Only ASCII letters fold: \216 and \248 differ by 0x20 but are not letters.
        #expect(name("\\216.") != name("\\248."))
    }

    @Test func canonicalOrderFollowsRFC4034Section6_1() {
        // The example list of RFC 4034 §6.1, in its order.
        let ordered = ["example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.", "zABC.a.EXAMPLE.",
                       "z.example.", "\\001.z.example.", "*.z.example.", "\\200.z.example."].map(name)
        #expect(ordered.shuffled().sorted() == ordered)
        for (index, item) in ordered.enumerated().dropFirst() {
            #expect(ordered[index - 1] < item)
            #expect(!(item < ordered[index - 1]))
        }
        #expect(!(name("a.example.") < name("A.EXAMPLE.")))
        #expect(Name.root < name("com."))
    }

    @Test func canonicalSortKeyOrdersLikeComparison() {
        var names = ["example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.", "zABC.a.EXAMPLE.",
                     "z.example.", "\\001.z.example.", "*.z.example.", "\\200.z.example.", "\\000.z.example.",
                     "\\000\\000.z.example.", "\\001\\000.z.example.", "a\\000.example.", "ab.example.", "b.example.", "."].map(name)
        var generator = SplitMix64(seed: 42)
        for _ in 0..<200 {
            let labels = (0..<(1 + Int(generator.next() % 3))).map { _ in
                (0..<(1 + Int(generator.next() % 3))).map { _ in [0, 1, 2, 0x41, 0x61, 0x7A, 0xFF][Int(generator.next() % 7)] as UInt8 }
            }
            names.append(try! Name(labels: labels))
        }
        let byComparison = names.sorted()
        let byKey = names.sorted { $0.canonicalSortKey.lexicographicallyPrecedes($1.canonicalSortKey) }
        #expect(byKey.map(\.canonicalSortKey) == byComparison.map(\.canonicalSortKey))
        for (a, b) in zip(byComparison, byComparison.dropFirst()) {
            #expect((a.canonicalSortKey == b.canonicalSortKey) == (a == b))
        }
    }

    @Test func hierarchy() throws {
        let zone = name("example.com.")
        #expect(name("www.example.com.").isSubdomain(of: zone))
        #expect(name("WWW.EXAMPLE.COM.").isSubdomain(of: zone))
        #expect(zone.isSubdomain(of: zone))
        #expect(!name("wwwexample.com.").isSubdomain(of: zone))
        #expect(!name("badexample.com.").isSubdomain(of: zone))
        #expect(!name("com.").isSubdomain(of: zone))
        #expect(zone.isSubdomain(of: .root))
        #expect(name("a.b.example.com.").parent == name("b.example.com."))
        #expect(Name.root.parent == nil)
        #expect(name("a.b.example.com.").labelCount == 4)
        #expect(name("a.b.example.com.").labels.map { String(decoding: $0, as: UTF8.self) } == ["a", "b", "example", "com"])
        #expect(name("*.example.com.").isWildcard)
        #expect(!name("a*.example.com.").isWildcard)
        #expect(try zone.prepending(label: Array("www".utf8)) == name("www.example.com."))
    }
}
