import Foundation
import SwitchyardTesting
import Testing

/// The helper every test runs its peers with cannot be held past its timeout: not by a command that
/// hangs, nor by one that leaves a process holding its output open (as a crashed program's backtracer did).
@Suite("Running test peers")
struct ProcessRunnerTests {
    @Test func aHangingCommandAndWhatItLeftBehindAreBounded() throws {
        let start = Date()
        // The background sleep keeps the output open after bash is gone: it is killed along with bash.
        let result = try run("bash", ["-c", "echo started; sleep 300 & sleep 300"], timeout: 1)
        let elapsed = Date().timeIntervalSince(start)
        #expect(result.output.hasPrefix("started"), "\(result.output)")
        #expect(result.status != 0, "killed, not finished")
        #expect(elapsed < 30, "held for \(elapsed) s")
    }
}
