import AdminAPI
import Foundation
import Model
import NIOPosix
import Notify
import ServiceLifecycle

/// Pulls every fleet peer's verdicts (`GET /v1/verdicts`) once per shortest probe interval, all peers at
/// once, each bounded by a timeout, and hands each round to the control loop (`.fleet`). After the
/// first whole list it asks each peer only for what changed since its last answer and merges that in
/// (a whole list again every `fullEvery` rounds, or whenever the peer restarted or applied anew). It
/// follows the live config: the fleet's nodes, token and CA are read again for every round, so an
/// apply or a rotated token file takes effect at the next one. Nothing here runs on the loop.
final class FleetService: Service, Sendable {
    private let live: LiveView
    private let send: @Sendable (ControlInput) -> Void
    /// Every this many rounds a peer is asked for its whole list, whatever its cursor says.
    static let fullEvery = 60

    init(live: LiveView, send: @escaping @Sendable (ControlInput) -> Void) {
        self.live = live
        self.send = send
    }

    func run() async throws {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        await cancelWhenGracefulShutdown {
            var held: [String: AdminAPI.Verdicts] = [:]
            var round = 0
            while !Task.isCancelled {
                guard let fleet = self.live.fleet else {
                    try? await Task.sleep(for: .seconds(1))
                    continue
                }
                let started = ContinuousClock.now
                round += 1
                if round % Self.fullEvery == 0 { held = [:] }
                held = await self.pullRound(fleet, held: held, on: pool)
                try? await Task.sleep(until: started + fleet.pullInterval)
            }
        }
        try? await pool.shutdownGracefully()
    }

    /// One pull of every peer; the round goes to the loop when all have answered or timed out. `held`:
    /// each peer's verdicts as last merged; returns them merged with this round's answers.
    private func pullRound(_ fleet: FleetPublication, held: [String: AdminAPI.Verdicts], on pool: NIOThreadPool) async
        -> [String: AdminAPI.Verdicts] {
        let token = Secrets.read(fleet.fleet.token)
        let caFile = fleet.fleet.caFile
        // A peer that does not answer within the interval is late for the next round anyway.
        let timeout = max(Duration.milliseconds(500), min(fleet.pullInterval * 0.8, .seconds(5)))
        let pulls = await withTaskGroup(of: (String, Result<AdminAPI.Verdicts, PullFailure>).self) { group in
            for peer in fleet.peers.map(\.node) {
                let base = held[peer.name]
                let cursor = base.map { "?instance=\($0.instance)&generation=\($0.generation)&after=\($0.sequence)" } ?? ""
                group.addTask {
                    guard let token, !token.isEmpty else {
                        return (peer.name, .failure(PullFailure(message: "the fleet token (\(fleet.fleet.token)) is not set on this node")))
                    }
                    let fetched = try? await pool.runIfActive {
                        FleetClient.get(url: peer.admin + "/v1/verdicts" + cursor, token: token, caFile: caFile, timeout: timeout)
                    }
                    switch fetched {
                    case .success(let data):
                        do {
                            let verdicts = try JSONDecoder().decode(AdminAPI.Verdicts.self, from: data)
                            guard verdicts.node == peer.name else {
                                return (peer.name, .failure(PullFailure(message: "\(peer.admin) answers as node \"\(verdicts.node)\", not \"\(peer.name)\"")))
                            }
                            return (peer.name, .success(base.map { $0.merging(verdicts) } ?? verdicts))
                        } catch {
                            return (peer.name, .failure(PullFailure(message: "the response is not a verdict list: \(error)")))
                        }
                    case .failure(let failure): return (peer.name, .failure(failure))
                    case nil: return (peer.name, .failure(PullFailure(message: "shutting down")))
                    }
                }
            }
            var pulls: [String: Result<AdminAPI.Verdicts, PullFailure>] = [:]
            for await (node, result) in group { pulls[node] = result }
            return pulls
        }
        let now = Timestamp(date: Date())
        let results = live.lastProbeResults.filter { fleet.probed.contains($0.key) }
        send(.fleet(FleetRound(pulls: pulls.mapValues { $0.map { PeerVerdicts($0, pulledAt: now) } }, ownResults: results)))
        var merged: [String: AdminAPI.Verdicts] = [:]
        for (node, pull) in pulls {
            if case .success(let verdicts) = pull { merged[node] = verdicts } else if let base = held[node] { merged[node] = base }
        }
        return merged
    }
}

extension AdminAPI.Verdicts {
    /// These verdicts brought up to date by `newer`: replaced when it is whole, else each changed entry
    /// (and its monitor's definition) taken over.
    func merging(_ newer: AdminAPI.Verdicts) -> AdminAPI.Verdicts {
        guard newer.partial else { return newer }
        var result = newer
        var monitors = Dictionary(self.monitors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for monitor in newer.monitors {
            var entries = Dictionary((monitors[monitor.name]?.endpoints ?? []).map { ($0.endpoint, $0) }, uniquingKeysWith: { first, _ in first })
            for entry in monitor.endpoints { entries[entry.endpoint] = entry }
            monitors[monitor.name] = Monitor(name: monitor.name, definition: monitor.definition,
                                             endpoints: entries.values.sorted { $0.endpoint < $1.endpoint })
        }
        result.monitors = monitors.values.sorted { $0.name < $1.name }
        result.partial = false
        return result
    }
}
