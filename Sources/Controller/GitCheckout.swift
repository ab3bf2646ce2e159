import Foundation

/// The git CLI on a manifests checkout: which commit it is at, and fast-forwarding it.
public enum GitCheckout {
    /// The commit `directory` is checked out at (12 hex digits), or nil when it is not a git checkout.
    public static func revision(of directory: String) -> String? {
        guard let (status, output) = git(["-C", directory, "rev-parse", "--short=12", "HEAD"]), status == 0 else { return nil }
        return output.isEmpty ? nil : output
    }

    /// `git pull --ff-only`: nil on success, else what went wrong.
    static func fastForward(_ directory: String) -> String? {
        guard let (status, output) = git(["-C", directory, "pull", "--ff-only", "--quiet"]) else { return "git could not be run" }
        return status == 0 ? nil : "git pull --ff-only in \(directory) exited \(status): \(output)"
    }

    private static func git(_ arguments: [String]) -> (Int32, String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        guard (try? process.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
