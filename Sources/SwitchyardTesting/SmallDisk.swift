import Foundation

/// A small file system of its own (tmpfs, which needs root) mounted on a new directory, to fill up:
/// every write that needs a new block then fails with ENOSPC. `fill()` takes the free space with a
/// file, `free()` gives it back; the mount goes away with the value, even after a failed test.
public final class SmallDisk: @unchecked Sendable {
    public let directory: URL
    private let filler: URL

    public init(megabytes: Int) throws {
        let root = try temporaryDirectory("disk")
        directory = root.appendingPathComponent("mount")
        filler = root.appendingPathComponent("mount/filler")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let mounted = try run("mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", directory.path])
        guard mounted.status == 0 else {
            try? FileManager.default.removeItem(at: root)
            throw MountFailure(output: mounted.output)
        }
    }

    public struct MountFailure: Error, CustomStringConvertible {
        let output: String
        public var description: String { "cannot mount a tmpfs (this test needs root): \(output)" }
    }

    /// Writes zeros until the file system is full.
    public func fill() throws {
        _ = try run("dd", ["if=/dev/zero", "of=\(filler.path)", "bs=64k"], timeout: 30)
    }

    public func free() {
        try? FileManager.default.removeItem(at: filler)
    }

    deinit {
        _ = try? run("umount", ["-l", directory.path])
        try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
    }
}
