import Foundation
import Testing
@testable import Controller

/// Git runs bounded: its output comes back, a deadline kills the whole process group, and credentials in
/// URLs never reach a message.
@Suite("Child processes and git output")
struct ChildProcessTests {
    @Test func statusAndOutputComeBack() {
        let outcome = ChildProcess.run(["sh", "-c", "echo out; echo err >&2; exit 3"], timeout: .seconds(10))
        #expect(outcome == ChildProcess.Outcome(status: 3, output: "out\nerr\n", timedOut: false))
        // Standard input is /dev/null: a command that would prompt reads end of file at once.
        #expect(ChildProcess.run(["sh", "-c", "read line; echo read $?"], timeout: .seconds(10)).output == "read 1\n")
        #expect(ChildProcess.run(["no-such-program-here"], timeout: .seconds(10)).status != 0)
    }

    @Test func theDeadlineKillsEverythingTheCommandStarted() throws {
        let started = ContinuousClock.now
        // The shell starts a background sleep and waits: both are in the command's process group.
        let outcome = ChildProcess.run(["sh", "-c", "sleep 30 & echo $!; wait"], timeout: .milliseconds(500))
        #expect(outcome.timedOut && outcome.status == nil)
        #expect(started.duration(to: .now) < .seconds(5))
        let background = try #require(Int32(outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)))
        var alive = true
        for _ in 0..<50 {
            // Gone, or a zombie waiting for its new parent to reap it.
            let state = (try? String(contentsOfFile: "/proc/\(background)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
            alive = state != nil && state != "Z"
            if !alive { break }
            usleep(20_000)
        }
        #expect(!alive, "the background sleep \(background) outlived the deadline")
    }

    @Test func cancellingStopsTheCommandEarly() {
        let started = ContinuousClock.now
        let outcome = ChildProcess.run(["sleep", "30"], timeout: .seconds(60), cancelled: { started.duration(to: .now) > .milliseconds(300) })
        #expect(outcome.timedOut)
        #expect(started.duration(to: .now) < .seconds(5))
    }

    @Test(arguments: [
        ("fatal: unable to access 'https://deploy:s3cr3t@git.example.com/dns.git/': Could not resolve host",
         "fatal: unable to access 'https://git.example.com/dns.git/': Could not resolve host"),
        ("remote: https://oauth2:ghp_abc123@github.com/org/repo fetch failed; also ssh://git@example.com/x",
         "remote: https://github.com/org/repo fetch failed; also ssh://example.com/x"),
        ("fatal: Not possible to fast-forward, aborting.", "fatal: Not possible to fast-forward, aborting."),
    ])
    func credentialsAreTakenOutOfURLs(_ text: String, _ redacted: String) {
        #expect(GitSync.redacted(text) == redacted)
    }
}
