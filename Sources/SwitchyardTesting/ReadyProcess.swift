import Foundation

/// Starts a test peer and waits (up to 10 s) until it prints "ready"; kills it and throws otherwise.
func startReadyProcess(_ executable: String, _ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
    process.environment = childEnvironment
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.standardError
    try process.run()
    let deadline = Date().addingTimeInterval(10)
    var seen = ""
    while !seen.contains("ready") && process.isRunning && Date() < deadline {
        let chunk = out.fileHandleForReading.availableData
        if chunk.isEmpty { usleep(10_000) } else { seen += String(decoding: chunk, as: UTF8.self) }
    }
    guard seen.contains("ready") else {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        throw PeerStartFailure(command: ([executable] + arguments).joined(separator: " "))
    }
    return process
}

public struct PeerStartFailure: Error, CustomStringConvertible {
    let command: String
    public var description: String { "the test peer did not start: \(command)" }
}
