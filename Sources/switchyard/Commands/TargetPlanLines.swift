import Authority
import Model
import NIOPosix
import Reconcile
import Targets

/// The plan's lines for targets: each RRset a policy pushes, read from its target now (all at once,
/// each read bounded) beside what would be pushed. A target that does not answer gives a warning.
enum TargetPlanLines {
    static func read(_ desired: DesiredState, health: HealthTable) async -> [Plan.TargetPush] {
        let sets = Snapshot.targetRecordSets(desired, health: health)
        let targets = Dictionary(desired.targets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let lines = await withTaskGroup(of: (Int, Plan.TargetPush)?.self) { tasks in
            for (index, set) in sets.enumerated() {
                guard let target = targets[set.target] else { continue }
                tasks.addTask {
                    let client = TargetClient(target: target, group: MultiThreadedEventLoopGroup.singleton, timeout: .seconds(3))
                    var holds: [String]? = nil
                    var warning: String? = nil
                    do {
                        holds = try await client.read(set.owner, set.type).data.map(\.description).sorted()
                    } catch {
                        warning = "\(error); the plan does not show what it holds"
                    }
                    return (index, Plan.TargetPush(target: "Target/\(target.name)", server: target.server, policy: set.policy.description,
                                                   rrset: "\(set.owner) \(set.type)", push: set.data.map(\.description).sorted(),
                                                   holds: holds, warning: warning))
                }
            }
            var lines: [(Int, Plan.TargetPush)] = []
            for await line in tasks { if let line { lines.append(line) } }
            return lines
        }
        return lines.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
