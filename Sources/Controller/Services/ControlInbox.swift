import AdminAPI
import Synchronization

/// The control loop's queue: the other services send inputs here, and admin API applies wait here for
/// their answer. Once closed (a graceful shutdown began) it takes no more outside inputs: applies get
/// "shutting down", everything else is dropped; what was queued before is still done.
final class ControlInbox: Sendable {
    enum Envelope: Sendable {
        case input(ControlInput)
        /// Queued by `close()`: everything before it is done, then the loop ends.
        case stop
    }

    typealias Reply = Result<AdminAPI.ApplyResult, ApplyFailure>

    let envelopes: AsyncStream<Envelope>
    private let continuation: AsyncStream<Envelope>.Continuation
    private struct State {
        var open = true
        var nextID: RequestID = 1
        var waiting: [RequestID: CheckedContinuation<Reply, Never>] = [:]
    }

    private let state = Mutex(State())

    init() {
        (envelopes, continuation) = AsyncStream.makeStream()
    }

    /// Queues an input from another service; dropped once the inbox is closed.
    func send(_ input: ControlInput) {
        state.withLock { state in
            guard state.open else { return }
            continuation.yield(.input(input))
        }
    }

    /// Queues an input of the loop's own (an effect finishing): taken even while closing.
    func sendFromLoop(_ input: ControlInput) {
        continuation.yield(.input(input))
    }

    /// Queues an apply and waits for the loop's answer.
    func apply(_ request: ApplyRequest) async -> Reply {
        await withCheckedContinuation { reply in
            let queued = state.withLock { state -> Bool in
                guard state.open else { return false }
                let id = state.nextID
                state.nextID += 1
                state.waiting[id] = reply
                continuation.yield(.input(.apply(id, request)))
                return true
            }
            if !queued { reply.resume(returning: .failure(.shuttingDown)) }
        }
    }

    /// Answers the apply `id`.
    func reply(_ id: RequestID, _ result: Reply) {
        state.withLock { $0.waiting.removeValue(forKey: id) }?.resume(returning: result)
    }

    /// Takes no more outside inputs and queues the end of the loop.
    func close() {
        state.withLock { state in
            guard state.open else { return }
            state.open = false
            continuation.yield(.stop)
        }
    }

    /// Ends the stream and answers every apply still waiting (none should be) with "shutting down".
    func finish() {
        continuation.finish()
        let waiting = state.withLock { state in
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for reply in waiting { reply.resume(returning: .failure(.shuttingDown)) }
    }
}
