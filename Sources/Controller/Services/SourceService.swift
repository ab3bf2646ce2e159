import Foundation
import Logging
import Manifests
import Model
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Where the manifests come from, off the control loop: it reads the manifests directory every second
/// and sends it (compiled) when it changed, or whenever the loop asks; and with `--git-sync` it fetches
/// the checkout every interval, each fetch bounded by the git timeout and run on a thread of its own, so
/// a hung remote delays nothing but the next fetch. Failing fetches are tried again with backoff.
final class SourceService: Service, Sendable {
    struct Settings: Sendable {
        var paths: [String]
        /// Where the signing keys of signed zones are.
        var keys: ZoneKeys
        /// How often git fetches (and how long the first wait after a failure is).
        var interval: Duration
        var git: GitSync?
        var watchEvery: Duration = .seconds(1)
        /// The fingerprint of manifests already sent to the loop (at start), so they are not sent again.
        var alreadySent: Int?
    }

    private let settings: Settings
    /// The digest of the live config's manifests, so unchanged files are not compiled again.
    private let liveDigest: @Sendable () -> Int?
    private let send: @Sendable (ControlInput) -> Void
    private let metrics: ControllerMetrics
    private let logger: Logger
    private let wake = WakeSignal()
    private let forcedRead = Atomic<Bool>(false)

    init(settings: Settings, liveDigest: @escaping @Sendable () -> Int?, send: @escaping @Sendable (ControlInput) -> Void,
         metrics: ControllerMetrics, logger: Logger) {
        self.settings = settings
        self.liveDigest = liveDigest
        self.send = send
        self.metrics = metrics
        self.logger = logger
    }

    /// Reads and compiles the manifests now and sends them, changed or not.
    func readNow() {
        forcedRead.store(true, ordering: .sequentiallyConsistent)
        wake.signal()
    }

    func run() async throws {
        // Git waits on the network, up to its timeout: a thread of its own, so reading the manifests
        // (and the admin API's compiling on the shared pool) never queues behind a hung fetch.
        let gitThread = NIOThreadPool(numberOfThreads: 1)
        gitThread.start()
        try await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.watch() }
                if let git = self.settings.git { group.addTask { await self.fetch(git, on: gitThread) } }
            }
        }
        try? await gitThread.shutdownGracefully()
    }

    /// Sends the manifests when they changed since the last look (paths and bytes), or when forced.
    private func watch() async {
        var last = settings.alreadySent
        while !Task.isCancelled {
            let forced = forcedRead.exchange(false, ordering: .sequentiallyConsistent)
            let (paths, keys, live, previous) = (settings.paths, settings.keys, liveDigest(), last)
            // Reading, hashing and compiling a large tree is CPU work of seconds: on a thread of its own.
            let read = try? await NIOThreadPool.singleton.runIfActive { () -> (Int, ControlInput?) in
                let (sources, problems) = ManifestFiles.read(paths)
                let files = sources.map(SourceFile.init)
                let digest = SourceFile.digest(files)
                let fingerprint = Self.fingerprint(digest: digest, problems: problems)
                guard forced || fingerprint != previous else { return (fingerprint, nil) }
                if !forced && problems.isEmpty && digest == live { return (fingerprint, .manifestsUnchanged(digest: digest)) }
                let revision = paths.first.flatMap(ManifestFiles.revision(of:))
                var candidate = Candidate.compiling(files, revision: revision, readProblems: problems)
                candidate.prepare(keys: keys)
                return (fingerprint, .manifests(candidate))
            }
            if let (fingerprint, input) = read {
                last = fingerprint
                if let input { send(input) }
            }
            await wake.wait(upTo: settings.watchEvery)
        }
    }

    /// What tells one look at the manifests from the next: their paths and bytes, and what could not be read.
    static func fingerprint(digest: Int, problems: [Diagnostic]) -> Int {
        var hasher = Hasher()
        hasher.combine(digest)
        for problem in problems { hasher.combine(problem.description) }
        return hasher.finalize()
    }

    /// Fetches every interval; after failures in a row, waits twice as long each time (up to five minutes
    /// or the interval, whichever is longer).
    private func fetch(_ git: GitSync, on thread: NIOThreadPool) async {
        let backoff = Backoff(first: settings.interval, maximum: max(settings.interval, .seconds(300)))
        var failures = 0
        repeat {
            // Stopping kills a fetch in flight (and what git started) instead of leaving it behind.
            let stopping = StopFlag()
            guard let outcome = try? await withTaskCancellationHandler(operation: {
                try await thread.runIfActive { git.run(cancelled: { stopping.isSet }) }
            }, onCancel: {
                stopping.set()
            }), !Task.isCancelled else { return }
            send(.git(outcome))
            switch outcome {
            case .fetched:
                failures = 0
                metrics.gitFetched(at: Date())
                wake.signal()  // pick up what the fetch brought now, not at the next look
            case .failed(let error):
                failures += 1
                logger.debug("git sync failed", metadata: ["error": "\(error)", "failures": "\(failures)"])
            }
        } while (try? await Task.sleep(for: failures == 0 ? settings.interval : backoff.delay(afterFailures: failures))) != nil
    }
}

/// Set once, from any thread; read by blocking work that must stop early.
private final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}
