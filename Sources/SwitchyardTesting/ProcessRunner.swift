import Foundation

/// Runs a command to completion and returns its exit status and output, for peers such as `dig`.
///
/// The output is read on another thread and the command is killed (SIGKILL: a test process's children
/// inherit its blocked SIGTERM) once `timeout` has passed, so neither a command that hangs nor one that
/// leaves something holding its output open can hold the test longer than that.
public func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 60) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
    process.environment = childEnvironment
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = OutputCollector(pipe.fileHandleForReading)
    let deadline = Date().addingTimeInterval(timeout)
    // Foundation on Linux counts a process as running until its output closes, so whatever it started
    // and left holding the pipe goes too.
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning { killProcessTree(process.processIdentifier) }
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output.collected(waiting: 2), as: UTF8.self))
}

/// SIGKILL to `root` and every process below it (found through /proc), the deepest first.
func killProcessTree(_ root: pid_t) {
    var children: [pid_t: [pid_t]] = [:]
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
        guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { continue }
        // After "pid (comm)": the state, then the parent's pid.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        if fields.count > 1, let parent = pid_t(fields[1]) { children[parent, default: []].append(pid) }
    }
    func kill(below pid: pid_t) {
        for child in children[pid] ?? [] { kill(below: child) }
        Glibc.kill(pid, SIGKILL)
    }
    kill(below: root)
}

/// The environment of every process a test starts: the test's own, without Swift's crash backtracer, which
/// holds a crashed program's output open while it works (once for the better part of an hour).
let childEnvironment = ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 }

/// Reads a pipe to its end on a thread of its own.
private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.withLock { data.append(chunk) }
            }
            done.signal()
        }
    }

    /// All of it, or what came within `seconds` when something still holds the pipe open.
    func collected(waiting seconds: Double) -> Data {
        _ = done.wait(timeout: .now() + seconds)
        return lock.withLock { data }
    }
}

/// SIGTERM, then SIGKILL when it has not exited within five seconds.
func stopProcess(_ process: Process) {
    guard process.isRunning else { return }
    process.terminate()
    let deadline = Date().addingTimeInterval(5)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    if process.isRunning { killProcessTree(process.processIdentifier) }
    process.waitUntilExit()
}

/// The repository root, found from this file's place in Sources/SwitchyardTesting.
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A fresh temporary directory, removed by the caller.
public func temporaryDirectory(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-\(name)-\(getpid())-\(UInt32.random(in: 0 ... .max))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
