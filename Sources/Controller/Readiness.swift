import Synchronization

/// Says once that the controller is ready: the DNS and admin listeners are bound and a generation is
/// served. Until then a client that reads "listening" could still get an empty answer.
final class Readiness: Sendable {
    private struct State {
        var dns: Int?
        var admin: Int?
        var serving = false
        var told = false
    }

    private let state = Mutex(State())
    private let ready: @Sendable (_ dns: Int, _ admin: Int) -> Void

    init(ready: @escaping @Sendable (_ dns: Int, _ admin: Int) -> Void) {
        self.ready = ready
    }

    func dns(listeningOn port: Int) { update { $0.dns = port } }
    func admin(listeningOn port: Int) { update { $0.admin = port } }
    func serving() { update { $0.serving = true } }

    private func update(_ change: (inout State) -> Void) {
        let ports = state.withLock { state -> (Int, Int)? in
            change(&state)
            guard !state.told, state.serving, let dns = state.dns, let admin = state.admin else { return nil }
            state.told = true
            return (dns, admin)
        }
        if let (dns, admin) = ports { ready(dns, admin) }
    }
}
