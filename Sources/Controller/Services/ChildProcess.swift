#if canImport(Glibc)
import Glibc
#endif

/// A command run to completion in a process group of its own, with standard input from /dev/null and
/// a deadline: past it, the whole group is killed (for git, its ssh, credential and remote helpers with
/// it), so nothing it starts can outlive the wait.
enum ChildProcess {
    struct Outcome: Sendable, Equatable {
        /// The exit status; nil when killed by a signal (the deadline, or anything else).
        var status: Int32?
        /// Standard output and error together, at most `maximumOutput` bytes of it.
        var output: String
        /// Stopped at the deadline, or cancelled.
        var timedOut: Bool
    }

    static let maximumOutput = 64 * 1024

    /// Runs `arguments` (the program found on PATH) with `environment` added to this process's. Blocks
    /// the calling thread until the command ends, `timeout` passes or `cancelled()` turns true (looked at
    /// every 200 ms): call it off the concurrency pool.
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Duration,
                    cancelled: () -> Bool = { false }) -> Outcome {
        guard let program = arguments.first else { return Outcome(status: nil, output: "no command", timedOut: false) }
        // A socket pair rather than a pipe: it can be made close-on-exec atomically (Glibc's module has no
        // pipe2), so no other child started meanwhile inherits it and holds the output open.
        var pipeEnds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pipeEnds) == 0 else {
            return Outcome(status: nil, output: "socketpair: \(errorText(errno))", timedOut: false)
        }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        defer { close(readEnd) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A group of its own (so a timeout kills helpers too), no signal blocked (a test runner may have
        // blocked some), and default handling for the signals that end it.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var merged: [String: String] = [:]
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") { merged[String(text[..<equals])] = String(text[text.index(after: equals)...]) }
            index += 1
        }
        merged.merge(environment) { $1 }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        close(writeEnd)
        guard spawned == 0 else { return Outcome(status: nil, output: "cannot run \(program): \(errorText(spawned))", timedOut: false) }

        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var timedOut = false
        var open = true
        while open {
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero, !cancelled() else {
                timedOut = true
                break
            }
            var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(clamping: min(remaining.millisecondCount + 1, 200)))
            if ready < 0 && errno != EINTR { break }
            guard ready > 0 else { continue }
            let count = read(readEnd, &buffer, buffer.count)
            if count > 0 {
                if output.count < maximumOutput { output += buffer.prefix(min(count, maximumOutput - output.count)) }
            } else if count == 0 || errno != EINTR {
                open = false
            }
        }
        var status: Int32 = 0
        while !timedOut {
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid || (waited < 0 && errno != EINTR) { break }
            if clock.now >= deadline || cancelled() {
                timedOut = true
                break
            }
            usleep(5_000)
        }
        if timedOut {
            kill(-pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return Outcome(status: nil, output: String(decoding: output, as: UTF8.self), timedOut: true)
        }
        let exited = status & 0x7f == 0
        return Outcome(status: exited ? (status >> 8) & 0xff : nil, output: String(decoding: output, as: UTF8.self), timedOut: false)
    }

    private static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}
