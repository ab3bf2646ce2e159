import DNSWire
import Model
import Server

/// Keeps one target's RRsets what its zone's policies serve: each change pushed as one guarded UPDATE,
/// and every RRset read back when asked (every interval, and before the first push), so an edit made
/// at the target by someone else is seen, reported and put right.
///
/// An UPDATE replaces the RRset only if it still holds what we last wrote, or what we read just before
/// (RFC 2136 §2.4.2; §2.4.3 when that was nothing). When someone else's edit makes that prerequisite
/// fail, nothing is overwritten: the failure is reported, and the next pass reads the RRset again and,
/// if the manifests still say otherwise, reports the drift and replaces what it found.
/// RRsets of policies that leave the manifests are left as they are at the target.
public actor TargetSync {
    public enum Outcome: Sendable, Equatable {
        /// The target took `set`; it held `before`, and answers `after` when read back (nil: the read failed).
        case pushed(TargetRecordSet, before: [RData], after: [RData]?)
        /// The target held `found` where we had written (or read) `expected`: someone else changed it.
        case drift(TargetRecordSet, expected: [RData], found: [RData])
        /// Reading or pushing failed; reported once per distinct error, with what the target holds when
        /// that could be read.
        case failed(TargetRecordSet, error: String, holds: [RData]?)
        /// The RRset is right at the target again after failing.
        case recovered(TargetRecordSet)
    }

    public nonisolated let client: TargetClient
    private var desired: [TargetRecordSet.Key: TargetRecordSet] = [:]
    /// What the target held the last time we wrote or read it.
    private var written: [TargetRecordSet.Key: [RData]] = [:]
    /// Changed since the target last held them.
    private var pending: Set<TargetRecordSet.Key> = []
    /// The error each failing RRset last reported.
    private var failing: [TargetRecordSet.Key: String] = [:]

    public init(client: TargetClient) {
        self.client = client
    }

    /// The RRsets the target should hold now (this target's only).
    public func update(_ sets: [TargetRecordSet]) {
        let next = Dictionary(sets.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        for (key, set) in next where desired[key] != set { pending.insert(key) }
        for key in desired.keys where next[key] == nil {
            pending.remove(key)
            failing[key] = nil
            written[key] = nil
        }
        desired = next
    }

    /// Whether a pass has anything to do before the next read-back: a change not yet pushed, or a failure.
    public var needsWork: Bool { !pending.isEmpty || !failing.isEmpty }

    /// Whether any RRset is failing now.
    public var isFailing: Bool { !failing.isEmpty }

    /// Pushes what changed and retries what failed; with `readAll`, reads back every RRset first.
    public func pass(readAll: Bool, keyring: TSIGKeyring) async -> [Outcome] {
        var outcomes: [Outcome] = []
        for key in desired.keys.sorted() where readAll || pending.contains(key) || failing[key] != nil {
            guard let set = desired[key] else { continue }
            let mustRead = readAll || written[key] == nil || failing[key] != nil
            outcomes += await sync(set, read: mustRead, keyring: keyring)
        }
        return outcomes
    }

    private func sync(_ set: TargetRecordSet, read: Bool, keyring: TSIGKeyring) async -> [Outcome] {
        var outcomes: [Outcome] = []
        var expected: [RData]
        if read || written[set.key] == nil {
            let held: TargetClient.Held
            do {
                held = try await client.read(set.owner, set.type)
            } catch {
                return failed(set, error, holds: nil)
            }
            if held.matches(set) {
                written[set.key] = held.data
                pending.remove(set.key)
                return failing.removeValue(forKey: set.key) == nil ? [] : [.recovered(set)]
            }
            if let ours = written[set.key], Set(ours) != Set(held.data) {
                outcomes.append(.drift(set, expected: ours, found: held.data))
            }
            expected = held.data
        } else {
            expected = written[set.key] ?? []
        }
        do {
            try await client.replace(set, expecting: expected, keyring: keyring)
        } catch {
            if case .prerequisiteFailed = error { written[set.key] = nil }  // read it again before anything else
            let holds = try? await client.read(set.owner, set.type)
            return outcomes + failed(set, error, holds: holds?.data)
        }
        written[set.key] = set.data
        pending.remove(set.key)
        failing[set.key] = nil
        let after = try? await client.read(set.owner, set.type)
        return outcomes + [.pushed(set, before: expected, after: after?.data)]
    }

    private func failed(_ set: TargetRecordSet, _ error: TargetClient.Failure, holds: [RData]?) -> [Outcome] {
        let text = error.description
        guard failing[set.key] != text else { return [] }
        failing[set.key] = text
        return [.failed(set, error: text, holds: holds)]
    }
}

extension TargetSync.Outcome {
    /// The RRset the outcome is about.
    public var set: TargetRecordSet {
        switch self {
        case .pushed(let set, _, _), .drift(let set, _, _), .failed(let set, _, _), .recovered(let set): set
        }
    }

    /// One line for logs and tests: `pushed www.corp.example. A: 192.0.2.10 → 192.0.2.11`.
    public var label: String {
        switch self {
        case .pushed(let set, let before, _):
            "pushed \(set.owner) \(set.type): \(TargetRecordSet.describe(before)) → \(TargetRecordSet.describe(set.data))"
        case .drift(let set, let expected, let found):
            "drift at \(set.owner) \(set.type): wrote \(TargetRecordSet.describe(expected)), found \(TargetRecordSet.describe(found))"
        case .failed(let set, let error, _):
            "failed at \(set.owner) \(set.type): \(error)"
        case .recovered(let set):
            "recovered at \(set.owner) \(set.type)"
        }
    }
}
