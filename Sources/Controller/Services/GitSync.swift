import Foundation
import Manifests
import Model

/// How `--git-sync` moves the manifests' checkout to its upstream.
public enum GitSyncMode: String, CaseIterable, Sendable {
    /// Fast-forward only: a force-pushed upstream is refused (and reported), the checkout stays.
    case ffOnly = "ff-only"
    /// Hard reset to the upstream: force-pushes are followed, local edits and untracked files dropped.
    case reset
}

/// Keeps the manifests' git checkout at its upstream: `git fetch`, then a fast-forward (`ff-only`, which
/// refuses a force-pushed upstream) or a hard reset to the upstream (`reset`, which follows force-pushes
/// and drops local edits and untracked files). Each git command runs in a process group of its own,
/// bounded by `timeout`, with every prompt turned off; its output is stripped of URL credentials before
/// anyone sees it.
struct GitSync: Sendable {
    let directory: String
    let mode: GitSyncMode
    let timeout: Duration

    /// No terminal prompt, no askpass program, ssh in batch mode: a remote that wants a password fails
    /// at once instead of waiting for one. Messages in English, so a failure reads the same each time.
    static let environment = ["GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "false", "SSH_ASKPASS": "false",
                              "GIT_SSH_COMMAND": "ssh -o BatchMode=yes", "LC_ALL": "C"]

    /// Fetches and moves the checkout; blocks up to `timeout` per git command (less once `cancelled()`),
    /// so call it off the concurrency pool.
    func run(cancelled: () -> Bool = { false }) -> GitOutcome {
        var steps: [[String]] = [["fetch", "--quiet", "--prune"]]
        switch mode {
        case .ffOnly: steps.append(["merge", "--ff-only", "--quiet", "@{upstream}"])
        case .reset: steps += [["reset", "--hard", "--quiet", "@{upstream}"], ["clean", "-d", "--force", "--quiet"]]
        }
        for arguments in steps {
            let outcome = ChildProcess.run(["git", "-C", directory] + arguments, environment: Self.environment, timeout: timeout,
                                           cancelled: cancelled)
            let command = "git " + arguments[0]
            if outcome.timedOut {
                return .failed("\(command) in \(directory) timed out after \(timeout.readable) and was stopped")
            }
            guard outcome.status == 0 else {
                let how = outcome.status.map { "exited \($0)" } ?? "was killed"
                let said = Self.redacted(outcome.output).trimmingCharacters(in: .whitespacesAndNewlines)
                return .failed("\(command) in \(directory) \(how)" + (said.isEmpty ? "" : ": \(said)"))
            }
        }
        return .fetched(revision: ManifestFiles.revision(of: directory))
    }

    /// `text` with the user and password taken out of every URL in it (`https://user:token@host/…` →
    /// `https://host/…`), so git's messages can go to logs, events and email.
    static func redacted(_ text: String) -> String {
        text.replacing(/([A-Za-z][A-Za-z0-9+.\-]*:\/\/)[^\/@\s]*@/) { $0.output.1 }
    }
}
