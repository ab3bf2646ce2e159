// libFuzzer entry for DNSWire. Built by Benchmarks/fuzz.sh together with Sources/DNSWire/*.swift as
// one module, so the codec's internals are instrumented and reachable. Not a SwiftPM target: an
// executable without `main` would break every ordinary `swift build`.
//
// Properties checked on every input, beyond "does not trap":
// - a message the parser accepts writes out, reads back equal, and its written form is a fixed point;
// - the truncation helper stays within its budget and its output parses;
// - names and record data read from text print back to text that reads back equal.

private let textTypes: [RRType] = [.a, .aaaa, .ns, .mx, .soa, .txt, .srv, .caa, RRType(65280)]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if let message = try? Message(wire: bytes) {
        checkRoundTrip(message)
    }
    if size > 0 {
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[1...]), as: UTF8.self)
        if let name = try? Name(text) {
            precondition((try? Name(name.description)) == name, "name text does not read back: \(name)")
        }
        let type = textTypes[Int(bytes[0]) % textTypes.count]
        if let rdata = try? RData(type: type, presentation: text) {
            precondition((try? RData(type: type, presentation: rdata.description)) == rdata,
                         "\(type) text does not read back: \(rdata)")
        }
    }
    return 0
}

private func checkRoundTrip(_ message: Message) {
    guard let written = try? message.wireBytes() else {
        preconditionFailure("a parsed message could not be written")
    }
    guard let reread = try? Message(wire: written) else {
        preconditionFailure("a written message could not be read back")
    }
    precondition(reread == message, "message changed through a write and read")
    precondition((try? reread.wireBytes()) == written, "written form is not a fixed point")

    guard let (cut, _) = try? message.wireBytes(maxSize: 512), let cutMessage = try? Message(wire: cut) else {
        preconditionFailure("the truncation helper produced an unreadable message")
    }
    let onlyFixedParts = cutMessage.answers.isEmpty && cutMessage.authority.isEmpty && cutMessage.additional.isEmpty
    precondition(cut.count <= 512 || onlyFixedParts, "truncated message of \(cut.count) octets exceeds 512")
    _ = try? message.edns?.clientSubnet()
    _ = message.description
}
