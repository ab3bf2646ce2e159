import Foundation

/// Checks `condition` every `every` seconds until it holds or `seconds` have passed; whether it held.
public func waitUntil(seconds: Double, every: Double = 0.05, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(useconds_t(every * 1_000_000))
    }
    return try condition()
}

/// For each of `keys`, the seconds from now until `condition` first held for it, checking all every
/// `every` seconds for at most `seconds`; a key that never held is missing.
public func secondsUntil<Key: Hashable>(each keys: [Key], within seconds: Double, every: Double = 0.01,
                                        _ condition: (Key) throws -> Bool) rethrows -> [Key: TimeInterval] {
    let start = Date()
    var times: [Key: TimeInterval] = [:]
    _ = try waitUntil(seconds: seconds, every: every) {
        for key in keys where times[key] == nil {
            if try condition(key) { times[key] = Date().timeIntervalSince(start) }
        }
        return times.count == keys.count
    }
    return times
}
