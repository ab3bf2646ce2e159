import AdminAPI

/// Where a peer's last verdict pull left off.
struct VerdictCursor: Sendable, Equatable {
    var instance: String
    var generation: Int
    var sequence: UInt64
}

/// Numbers each change of a served verdict, lazily: when a response is built, every entry that differs
/// from what was served before gets the next sequence number, so a peer that saw sequence N needs only
/// the entries numbered above N.
struct VerdictVersions {
    let instance = UInt64.random(in: 0 ... .max).description
    private var sequence: UInt64 = 0
    private var served: [String: (signature: Int, sequence: UInt64)] = [:]

    /// Numbers the changes in `verdicts` (by monitor); returns the keys (`monitor endpoint`) changed after
    /// `after`, or nil when everything must be sent (no cursor, or one of another instance).
    mutating func number(_ verdicts: [String: [AdminAPI.Verdicts.Verdict]], after cursor: VerdictCursor?)
        -> (instance: String, sequence: UInt64, changed: Set<String>?) {
        var present: Set<String> = []
        for (monitor, entries) in verdicts {
            for entry in entries {
                let key = "\(monitor) \(entry.endpoint)"
                present.insert(key)
                var hasher = Hasher()
                hasher.combine(entry.state)
                hasher.combine(entry.since)
                hasher.combine(entry.ok)
                hasher.combine(entry.detail)
                hasher.combine(entry.latencyMilliseconds)
                let signature = hasher.finalize()
                if served[key]?.signature != signature {
                    sequence += 1
                    served[key] = (signature, sequence)
                }
            }
        }
        served = served.filter { present.contains($0.key) }
        guard let cursor, cursor.instance == instance, cursor.sequence <= sequence else { return (instance, sequence, nil) }
        return (instance, sequence, Set(served.filter { $0.value.sequence > cursor.sequence }.keys))
    }
}
