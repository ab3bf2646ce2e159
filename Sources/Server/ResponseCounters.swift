import Atomics

/// Responses sent, by RCODE, extended RCODEs (BADVERS, BADCOOKIE…) under their own values. One set per
/// UDP thread and one for TCP, so the query path never contends for a cache line; readers add them up.
final class ResponseCounters: Sendable {
    /// RCODEs 0 to 23: the header's and the extended ones this server can send.
    static let codes = 24
    private let counts = (0..<codes).map { _ in ManagedAtomic<Int>(0) }

    /// Counts `response` by its RCODE.
    func count(_ response: UnsafeRawBufferPointer) {
        guard response.count >= 12 else { return }
        let code = Self.rcode(response)
        if code < Self.codes { counts[code].wrappingIncrement(ordering: .relaxed) }
    }

    var values: [Int] { counts.map { $0.load(ordering: .relaxed) } }

    /// The header's four bits, with the OPT record's eight upper bits when the response is one that can
    /// carry an extended RCODE: no answer and no authority, only additional records (BADVERS and the
    /// like). Any other response is read from the header alone, so answers cost no walk.
    static func rcode(_ response: UnsafeRawBufferPointer) -> Int {
        let low = Int(response[3] & 0x0F)
        guard response[6] == 0, response[7] == 0, response[8] == 0, response[9] == 0, response[10] != 0 || response[11] != 0 else {
            return low
        }
        var offset = 12
        for _ in 0..<(Int(response[4]) << 8 | Int(response[5])) {
            guard let end = skipName(response, from: offset) else { return low }
            offset = end + 4
        }
        for _ in 0..<(Int(response[10]) << 8 | Int(response[11])) {
            guard let end = skipName(response, from: offset), end + 10 <= response.count else { return low }
            let type = Int(response[end]) << 8 | Int(response[end + 1])
            if type == 41 { return Int(response[end + 4]) << 4 | low }  // OPT: the TTL's first octet
            offset = end + 10 + (Int(response[end + 8]) << 8 | Int(response[end + 9]))
        }
        return low
    }

    /// Where the name at `offset` ends (after a pointer or the root label), or nil past the end.
    private static func skipName(_ bytes: UnsafeRawBufferPointer, from offset: Int) -> Int? {
        var offset = offset
        while offset < bytes.count {
            let length = Int(bytes[offset])
            if length == 0 { return offset + 1 }
            if length & 0xC0 == 0xC0 { return offset + 2 <= bytes.count ? offset + 2 : nil }
            offset += 1 + length
        }
        return nil
    }
}
