import Atomics

/// Responses sent, by RCODE (the header's 4 bits; extended RCODEs count under their low bits). One set per
/// UDP event loop and one for TCP, so the query path never contends for a cache line; readers add them up.
final class ResponseCounters: Sendable {
    private let counts = (0..<16).map { _ in ManagedAtomic<Int>(0) }

    /// Counts `response` by the RCODE in its header.
    func count(_ response: UnsafeRawBufferPointer) {
        guard response.count >= 4 else { return }
        counts[Int(response[3] & 0x0F)].wrappingIncrement(ordering: .relaxed)
    }

    var values: [Int] { counts.map { $0.load(ordering: .relaxed) } }
}
