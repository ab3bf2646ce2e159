import DNSWire
import NIOConcurrencyHelpers
import NIOCore

/// The open TCP connections, for the caps (RFC 7766 §6.2.2): at most `perClient` from one address, and
/// at most `total` in all. When the total is reached, a new connection takes the place of the one idle
/// longest (no query for the longest time, not in a transfer), so connections held open and silent can
/// never shut out a client that asks.
final class TCPConnections: Sendable {
    private struct Entry {
        let channel: Channel
        let client: IPAddress?
        var lastQuery: NIODeadline
        var isBusy = false
    }

    let total: Int
    let perClient: Int
    private let entries = NIOLockedValueBox<[ObjectIdentifier: Entry]>([:])

    init(total: Int, perClient: Int) {
        self.total = total
        self.perClient = perClient
    }

    enum Admission: Equatable {
        case admitted
        /// Admitted in place of this many idle connections, now being closed.
        case admittedEvicting
        case refusedClientCap
        case refusedFull
    }

    /// Takes `channel` in, or says why not; the caller closes a refused one.
    func admit(_ channel: Channel, client: IPAddress?, now: NIODeadline) -> Admission {
        let (admission, evicted) = entries.withLockedValue { entries -> (Admission, Channel?) in
            if let client, entries.values.lazy.filter({ $0.client == client }).count >= perClient { return (.refusedClientCap, nil) }
            var evicted: Channel? = nil
            if entries.count >= total {
                guard let idlest = entries.filter({ !$0.value.isBusy }).min(by: { $0.value.lastQuery < $1.value.lastQuery }) else {
                    return (.refusedFull, nil)
                }
                entries[idlest.key] = nil
                evicted = idlest.value.channel
            }
            entries[ObjectIdentifier(channel)] = Entry(channel: channel, client: client, lastQuery: now)
            return (evicted == nil ? .admitted : .admittedEvicting, evicted)
        }
        evicted?.close(promise: nil)
        return admission
    }

    /// A whole query arrived (`busy`: a transfer is being sent, so it is not idle).
    func touch(_ channel: Channel, now: NIODeadline, busy: Bool) {
        entries.withLockedValue { entries in
            entries[ObjectIdentifier(channel)]?.lastQuery = now
            entries[ObjectIdentifier(channel)]?.isBusy = busy
        }
    }

    func remove(_ channel: Channel) {
        _ = entries.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    var count: Int { entries.withLockedValue { $0.count } }
}
