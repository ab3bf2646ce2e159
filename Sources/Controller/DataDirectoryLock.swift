import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One controller per data directory: an exclusive `flock` on `<data-dir>/controller.lock`, held for
/// the life of the process (the kernel lets go when it exits, kill -9 included). The file holds the
/// holder's pid, so the one turned away can say who has it.
final class DataDirectoryLock: Sendable {
    struct Held: Error, CustomStringConvertible {
        let pid: Int32?
        let directory: String
        var description: String { "another controller (pid \(pid.map(String.init) ?? "unknown")) holds \(directory)" }
    }

    struct Unavailable: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "cannot lock \(path): \(reason)" }
    }

    private let descriptor: Int32

    /// Takes the lock, or throws `Held` at once when another process has it.
    init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent("controller.lock")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Unavailable(path: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            var bytes = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &bytes, bytes.count, 0)
            close(descriptor)
            guard failure == EWOULDBLOCK else { throw Unavailable(path: path, reason: String(cString: strerror(failure))) }
            let text = String(decoding: bytes.prefix(max(0, count)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Held(pid: Int32(text), directory: directory)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}
