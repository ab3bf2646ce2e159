import Testing
@testable import DNSWire

/// The parser refuses every malformed message with a typed error (FORMERR) and never traps.
@Suite("Malformed messages")
struct MalformedMessageTests {
    /// A query header with one question and nothing else; the body follows.
    static let oneQuestion = "0000 0000 0001 0000 0000 0000"
    /// A response header with one question and one answer.
    static let oneAnswer = "0000 8400 0001 0001 0000 0000"
    static let question = "03 777777 07 6578616d706c65 00 0001 0001"  // www.example. A IN

    @Test("refused with the right error", arguments: [
        ("empty message", "", DNSWireError.truncated(at: 0)),
        ("short header", "0000 0000 0001", .truncated(at: 6)),
        ("pointer to itself", oneQuestion + "c00c 0001 0001", .badPointer(at: 12)),
        ("forward pointer", oneQuestion + "c00e 0001 0001 00", .badPointer(at: 12)),
        ("pointer past the message", oneQuestion + "c0ff 0001 0001", .badPointer(at: 12)),
        ("loop through a label", oneQuestion + "01 61 c00c 0001 0001", .badPointer(at: 14)),
        ("truncated label", oneQuestion + "03 7777", .truncated(at: 15)),
        ("name without its end", oneQuestion + "03 777777", .truncated(at: 16)),
        ("label length 64 (type 01)", oneQuestion + "40" + String(repeating: "61", count: 64) + "00 0001 0001", .badLabelType(at: 12)),
        ("label type 10", oneQuestion + "80 0001 0001", .badLabelType(at: 12)),
        ("name over 255 octets", oneQuestion + String(repeating: "3f" + String(repeating: "61", count: 63), count: 5) + "00 0001 0001",
         .nameTooLong(at: 12)),
        ("question count larger than the message", "0000 0000 ffff 0000 0000 0000" + question, .truncated(at: 29)),
        ("answer count larger than the message", "0000 8400 0001 0100 0000 0000" + question, .truncated(at: 29)),
        ("question cut short", oneQuestion + "03 777777 07 6578616d706c65 00 0001", .truncated(at: 27)),
        ("rdlength past the end", oneAnswer + question + "c00c 0001 0001 0000003c 0064 c0000201", .truncated(at: 45)),
        ("A with five octets", oneAnswer + question + "c00c 0001 0001 0000003c 0005 c000020101",
         .badRData(at: 41, type: .a, reason: "an A record is 4 octets, not 5")),
        ("MX name runs past rdlength", oneAnswer + question + "c00c 000f 0001 0000003c 0003 000a c00c",
         .badRData(at: 41, type: .mx, reason: "record data is 3 octets but its content ends at 4")),
        ("TXT string past rdlength", oneAnswer + question + "c00c 0010 0001 0000003c 0003 056162",
         .truncated(at: 44)),
        ("empty TXT", oneAnswer + question + "c00c 0010 0001 0000003c 0000",
         .badRData(at: 41, type: .txt, reason: "TXT data holds at least one string")),
        ("CAA with a bad tag", oneAnswer + question + "c00c 0101 0001 0000003c 0005 00 02 2d2d 78",
         .badRData(at: 41, type: .caa, reason: "tag is not 1 to 15 ASCII letters and digits")),
        ("OPT in the answer section", oneAnswer + question + "00 0029 04d0 00000000 0000",
         .badOPT(at: 29, reason: "OPT outside the additional section")),
        ("two OPT records", "0000 0000 0001 0000 0000 0002" + question + "00 0029 04d0 00000000 0000 00 0029 04d0 00000000 0000",
         .badOPT(at: 40, reason: "more than one OPT record")),
        ("OPT not owned by the root", "0000 0000 0001 0000 0000 0001" + question + "c00c 0029 04d0 00000000 0000",
         .badOPT(at: 29, reason: "owner is not the root")),
        ("EDNS option past its record", "0000 0000 0001 0000 0000 0001" + question + "00 0029 04d0 00000000 0006 000a 0008 0102",
         .badOPT(at: 40, reason: "option COOKIE runs past the record data")),
        ("trailing bytes", oneQuestion + question + "ff", .trailingBytes(at: 29)),
    ])
    func refused(label: String, wire: String, expected: DNSWireError) {
        let error = wireError { () throws(DNSWireError) in try Message(wire: hex(wire)) }
        #expect(error == expected, "\(label)")
        #expect(error?.rcode == .formatError)
    }

    @Test func pointerChainsAreBoundedButValidChainsWork() throws {
        // Name at 12 (example.), then a chain: each later pointer points at the previous one.
        var wire = hex("0000 8400 0001 0000 0000 0000 07 6578616d706c65 00 0001 0001")
        var previous = 12
        for _ in 0..<10 {
            let here = wire.count
            wire += [0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF), 0x00, 0x01, 0x00, 0x01]
            previous = here
        }
        wire[5] = 11  // 11 questions: the name and ten pointer chains of growing length
        let message = try Message(wire: wire)
        #expect(message.questions.count == 11)
        #expect(message.questions.allSatisfy { $0.name == name("example.") })

    }

    @Test("a name follows at most 127 pointers", arguments: [(127, nil), (128, DNSWireError.badPointer(at: 13))])
    func pointerHopsAreBounded(hops: Int, expected: DNSWireError?) {
        // The root at 12, then `hops` pointers, each to the one before; read from the last.
        var wire = hex("0000 0000 0000 0000 0000 0000 00")
        var previous = 12
        for _ in 0..<hops {
            let here = wire.count
            wire += [0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF)]
            previous = here
        }
        wire.withUnsafeBytes { bytes in
            var reader = WireReader(bytes, offset: previous)
            let error = wireError { () throws(DNSWireError) in try reader.readName() }
            #expect(error == expected)
        }
    }

    @Test func namesBuiltFromPointersStillObeyTheLengthLimit() {
        // At 12: three 63-octet labels and the root (193 octets). A second name adds a 63-octet label and
        // points at the first: 64 + 193 = 257 octets.
        let label = "3f" + String(repeating: "61", count: 63)
        let first = String(repeating: label, count: 3) + "00"
        let wire = hex("0000 0000 0002 0000 0000 0000" + first + "0001 0001" + label + "c00c 0001 0001")
        #expect(wireError { () throws(DNSWireError) in try Message(wire: wire) } == .nameTooLong(at: 209))
    }

    /// Seeded mutations of real messages: whatever the bytes, parsing either throws or gives a message
    /// that writes out and reads back equal, and whose written form is a fixed point.
    @Test func mutatedMessagesNeverTrap() throws {
        var generator = SplitMix64(seed: 0x5157_4954_4348)
        let seeds = GoldenMessageTests.captures.map { hex($0.wire) }
        var parsed = 0
        for round in 0..<30_000 {
            var bytes = seeds[round % seeds.count]
            switch generator.next() % 4 {
            case 0:  // flip bytes
                for _ in 0...(generator.next() % 4) {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
            case 1:  // cut short
                bytes.removeLast(Int(generator.next() % UInt64(bytes.count)))
            case 2:  // insert bytes
                let at = Int(generator.next() % UInt64(bytes.count + 1))
                bytes.insert(contentsOf: (0..<(generator.next() % 8)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }, at: at)
            default:  // aim at pointers and counts
                let at = Int(generator.next() % UInt64(bytes.count))
                bytes[at] = [0xC0, 0x00, 0xFF, 0x3F, 0x40][Int(generator.next() % 5)]
            }
            guard let message = try? Message(wire: bytes) else { continue }
            parsed += 1
            let first = try message.wireBytes()
            let reread = try Message(wire: first)
            #expect(reread == message)
            #expect(try reread.wireBytes() == first)
        }
        #expect(parsed > 1000, "the mutations should leave many messages valid; only \(parsed) were")
    }
}

/// A small deterministic generator (Steele, Lea, Flood 2014), so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
