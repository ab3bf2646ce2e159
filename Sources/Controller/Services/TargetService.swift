import Logging
import Model
import NIOCore
import Server
import ServiceLifecycle
import Synchronization
import Targets

/// Keeps every target holding what its zone's policies serve (`TargetSync`). Each target has a task of
/// its own, so a slow or dead server delays nothing else: a change is pushed at once, every RRset is
/// read back every `interval` (and before the first push), and failures are retried with doubling waits.
/// What each pass found goes to the control loop, which makes events and reports of it. In a fleet only
/// one node pushes: the first fresh one in fleet order (`actsHere`); the others wait, and one that takes
/// over reads everything back first.
final class TargetService: Service, Sendable {
    /// One target's task and what it should push next.
    private final class Worker: Sendable {
        let target: Target
        let sync: TargetSync
        let wake = WakeSignal()
        let next = Mutex<[TargetRecordSet]?>(nil)
        let task = Mutex<Task<Void, Never>?>(nil)

        init(target: Target, sync: TargetSync) {
            self.target = target
            self.sync = sync
        }
    }

    private let group: EventLoopGroup
    private let keyring: TSIGKeyringReference
    private let interval: Duration
    private let backoff: Backoff
    private let report: @Sendable (String, TargetSync.Outcome) -> Void
    private let actsHere: @Sendable () -> Bool
    private let logger: Logger
    private let workers = Mutex<[String: Worker]>([:])

    init(group: EventLoopGroup, keyring: TSIGKeyringReference, interval: Duration,
         backoff: Backoff = Backoff(first: .seconds(1), maximum: .seconds(60)),
         report: @escaping @Sendable (String, TargetSync.Outcome) -> Void, actsHere: @escaping @Sendable () -> Bool = { true },
         logger: Logger) {
        self.group = group
        self.keyring = keyring
        self.interval = interval
        self.backoff = backoff
        self.report = report
        self.actsHere = actsHere
        self.logger = logger
    }

    /// The targets of the live config and what they should hold. A target whose server, zone or key
    /// changed starts over (it reads everything back before pushing); one that left stops.
    func update(_ targets: [Target], _ sets: [TargetRecordSet]) {
        let byTarget = Dictionary(grouping: sets, by: \.target)
        var stopped: [Task<Void, Never>] = []
        let started: [Worker] = workers.withLock { workers in
            for (name, worker) in workers where !targets.contains(worker.target) {
                if let task = worker.task.withLock({ $0 }) { stopped.append(task) }
                workers[name] = nil
            }
            var started: [Worker] = []
            for target in targets {
                let worker = workers[target.name] ?? {
                    let worker = Worker(target: target, sync: TargetSync(client: TargetClient(target: target, group: group)))
                    workers[target.name] = worker
                    started.append(worker)
                    return worker
                }()
                worker.next.withLock { $0 = byTarget[target.name] ?? [] }
                worker.wake.signal()
            }
            return started
        }
        for task in stopped { task.cancel() }
        for worker in started {
            logger.info("target added", metadata: ["target": "\(worker.target.name)", "zone": "\(worker.target.zone)",
                                                   "server": "\(worker.target.server)"])
            worker.task.withLock { $0 = Task { await self.work(worker) } }
        }
    }

    private func work(_ worker: Worker) async {
        let clock = ContinuousClock()
        var nextReadBack = clock.now  // before the first push
        var failures = 0
        while !Task.isCancelled {
            if let sets = worker.next.withLock({ next in defer { next = nil }; return next }) {
                await worker.sync.update(sets)
            }
            guard actsHere() else {
                nextReadBack = clock.now  // whoever pushed may have written since: read first on taking over
                await worker.wake.wait(upTo: .seconds(1))
                continue
            }
            let readAll = clock.now >= nextReadBack
            let outcomes = await worker.sync.pass(readAll: readAll, keyring: keyring.load())
            if Task.isCancelled { return }
            for outcome in outcomes { report(worker.target.name, outcome) }
            if readAll { nextReadBack = clock.now + interval }
            let wait: Duration
            if await worker.sync.needsWork {
                failures += 1
                wait = min(backoff.delay(afterFailures: failures), clock.now.duration(to: nextReadBack))
            } else {
                failures = 0
                wait = clock.now.duration(to: nextReadBack)
            }
            await worker.wake.wait(upTo: max(wait, .milliseconds(10)))
        }
    }

    func run() async throws {
        try? await gracefulShutdown()
        let tasks = workers.withLock { workers in
            defer { workers = [:] }
            return workers.values.compactMap { $0.task.withLock { $0 } }
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
