import AdminAPI
import Foundation
import Logging
import Model
import NIOPosix
import Notify
import ServiceLifecycle

/// Pulls every fleet peer's verdicts (`GET /v1/verdicts`) once per shortest probe interval, all peers at
/// once, each bounded by a timeout, and hands each round to the control loop (`.fleet`). It follows the
/// live config: the fleet's nodes, token and CA are read again for every round, so an apply or a
/// rotated token file takes effect at the next one. Nothing here runs on the loop.
final class FleetService: Service, Sendable {
    private let live: LiveView
    private let send: @Sendable (ControlInput) -> Void
    private let logger: Logger

    init(live: LiveView, send: @escaping @Sendable (ControlInput) -> Void, logger: Logger) {
        self.live = live
        self.send = send
        self.logger = logger
    }

    func run() async throws {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                guard let fleet = self.live.fleet else {
                    try? await Task.sleep(for: .seconds(1))
                    continue
                }
                let started = ContinuousClock.now
                await self.pullRound(fleet, on: pool)
                try? await Task.sleep(until: started + fleet.pullInterval)
            }
        }
        try? await pool.shutdownGracefully()
    }

    /// One pull of every peer; the round goes to the loop when all have answered or timed out.
    private func pullRound(_ fleet: FleetPublication, on pool: NIOThreadPool) async {
        let token = Secrets.read(fleet.fleet.token)
        let caFile = fleet.fleet.caFile
        // A peer that does not answer within the interval is late for the next round anyway.
        let timeout = max(Duration.milliseconds(500), min(fleet.pullInterval * 0.8, .seconds(5)))
        let pulls = await withTaskGroup(of: (String, Result<PeerVerdicts, PullFailure>).self) { group in
            for peer in fleet.peers.map(\.node) {
                group.addTask {
                    guard let token, !token.isEmpty else {
                        return (peer.name, .failure(PullFailure(message: "the fleet token (\(fleet.fleet.token)) is not set on this node")))
                    }
                    let fetched = try? await pool.runIfActive {
                        FleetClient.get(url: peer.admin + "/v1/verdicts", token: token, caFile: caFile, timeout: timeout)
                    }
                    let at = Timestamp(date: Date())
                    switch fetched {
                    case .success(let data):
                        do {
                            let verdicts = try JSONDecoder().decode(AdminAPI.Verdicts.self, from: data)
                            guard verdicts.node == peer.name else {
                                return (peer.name, .failure(PullFailure(message: "\(peer.admin) answers as node \"\(verdicts.node)\", not \"\(peer.name)\"")))
                            }
                            return (peer.name, .success(PeerVerdicts(verdicts, pulledAt: at)))
                        } catch {
                            return (peer.name, .failure(PullFailure(message: "the response is not a verdict list: \(error)")))
                        }
                    case .failure(let failure): return (peer.name, .failure(failure))
                    case nil: return (peer.name, .failure(PullFailure(message: "shutting down")))
                    }
                }
            }
            var pulls: [String: Result<PeerVerdicts, PullFailure>] = [:]
            for await (node, result) in group { pulls[node] = result }
            return pulls
        }
        let results = live.lastProbeResults.filter { fleet.probed.contains($0.key) }
        send(.fleet(FleetRound(time: Timestamp(date: Date()), pulls: pulls, ownResults: results)))
    }
}
