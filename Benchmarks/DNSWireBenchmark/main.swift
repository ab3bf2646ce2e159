// Measures the DNS wire codec on the messages a server handles most: parsing a one-question query and
// writing a typical 3-answer response. See Benchmarks/README.md for the procedure.
//
// Usage: DNSWireBenchmark [--iterations N] [--rounds R] [--warmup W] [--case NAME]
// Prints one line per case: median ns per message, messages per second, and the spread of the rounds.
import DNSWire
#if canImport(Glibc)
import Glibc
#endif

struct BenchmarkCase {
    let name: String
    let run: (Int) throws -> Int
}

/// A query as `dig www.example.com A` sends it: RD, one question, no EDNS.
let plainQuery: [UInt8] = [
    0x4a, 0x1d, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x03, 0x77, 0x77, 0x77, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00,
    0x00, 0x01, 0x00, 0x01,
]

/// The same query with dig's default EDNS: OPT, 1232-octet payload, an 8-octet client cookie.
let ednsQuery: [UInt8] = [
    0x4a, 0x1d, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x03, 0x77, 0x77, 0x77, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00,
    0x00, 0x01, 0x00, 0x01,
    0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c,
    0x00, 0x0a, 0x00, 0x08, 0x8e, 0x6a, 0x1f, 0x3c, 0x05, 0xd9, 0x44, 0x21,
]

/// A typical answer: three A records for the question, with EDNS.
let response: Message = {
    let name = try! Name("www.example.com.")
    var message = try! Message(wire: ednsQuery).makeResponse()
    message.header.isAuthoritative = true
    message.answers = ["192.0.2.1", "192.0.2.2", "198.51.100.7"].map {
        ResourceRecord(name: name, ttl: 60, data: .a(IPv4Address($0)!))
    }
    message.edns = EDNS(udpPayloadSize: 1232)
    return message
}()

let cases = [
    BenchmarkCase(name: "parse-query") { iterations in
        var sink = 0
        for _ in 0..<iterations { sink &+= try Message(wire: plainQuery).questions.count }
        return sink
    },
    BenchmarkCase(name: "parse-query-edns") { iterations in
        var sink = 0
        for _ in 0..<iterations { sink &+= try Message(wire: ednsQuery).questions.count }
        return sink
    },
    BenchmarkCase(name: "write-response-3a") { iterations in
        var sink = 0
        for _ in 0..<iterations { sink &+= try response.wireBytes().count }
        return sink
    },
    BenchmarkCase(name: "write-response-3a-udp") { iterations in
        var sink = 0
        for _ in 0..<iterations { sink &+= try response.wireBytes(maxSize: 1232).bytes.count }
        return sink
    },
]

var iterations = 1_000_000
var rounds = 5
var warmup = 10_000
var only: String? = nil
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--iterations": iterations = Int(arguments.next() ?? "") ?? iterations
    case "--rounds": rounds = Int(arguments.next() ?? "") ?? rounds
    case "--warmup": warmup = Int(arguments.next() ?? "") ?? warmup
    case "--case": only = arguments.next()
    default:
        print("usage: DNSWireBenchmark [--iterations N] [--rounds R] [--warmup W] [--case \(cases.map(\.name).joined(separator: "|"))]")
        exit(64)
    }
}

let clock = ContinuousClock()
var total = 0
for benchmark in cases where only == nil || benchmark.name == only {
    _ = try benchmark.run(warmup)  // warm caches and the allocator
    var perMessage: [Double] = []
    for _ in 0..<rounds {
        var result = 0
        let elapsed = try clock.measure { result = try benchmark.run(iterations) }
        total &+= result
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if iterations > 0 { perMessage.append(seconds * 1e9 / Double(iterations)) }
    }
    guard !perMessage.isEmpty else { continue }
    perMessage.sort()
    let median = perMessage[perMessage.count / 2]
    print("\(benchmark.name): \(String(format1: median)) ns/msg, \(Int(1e9 / median)) msg/s "
          + "(rounds \(rounds) x \(iterations), min \(String(format1: perMessage.first!)), max \(String(format1: perMessage.last!)))")
}
if total == 42 { print("") }  // keeps the results observable so the loops are not optimized away

extension String {
    /// One decimal place, without Foundation.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
