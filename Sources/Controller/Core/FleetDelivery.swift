import Foundation
import Model

/// Which fleet node delivers a failover event, so that the fleet sends each one once: every node
/// derives the same events under the same ids, and each decides from what its peers last said.
///
/// | what the peers said (fresh ones, in fleet order)                       | this node     |
/// |------------------------------------------------------------------------|---------------|
/// | a peer delivered it                                                     | drops it      |
/// | this node comes first among the fresh nodes                             | sends it      |
/// | an earlier fresh node has it pending                                    | waits         |
/// | an earlier fresh node does not have it yet, within `patience`           | waits         |
/// | an earlier fresh node still does not have it after `patience`           | passes it by  |
/// | every earlier node is stale                                             | sends it      |
///
/// A stale node is passed by at once, so a sender killed before it could send is replaced within the
/// staleness bound. Other events (a failed reconcile, a drift: one node's own) are always sent.
enum FleetDelivery {
    enum Decision: Equatable {
        case send
        case wait(until: Date)
        case deliveredBy(String)
    }

    /// Failover events and the summaries of flapping policies: every node derives them alike.
    static let kinds = Set(FailoverEvent.Kind.allCases.map(\.rawValue) + ["summary"])

    static func decide(eventID: String, kind: String, eventTime: Date, now: Date, fleet: FleetPublication?) -> Decision {
        guard let fleet, kinds.contains(kind) else { return .send }
        if let peer = fleet.peers.first(where: { $0.delivered.contains(eventID) }) { return .deliveredBy(peer.node.name) }
        let pull = Double(fleet.pullInterval.millisecondCount) / 1000
        // Every node derives an event within about one pull of the others.
        let patience = 2 * pull + 2
        let recheck = now.addingTimeInterval(max(0.5, pull))
        for node in fleet.fleet.nodes {
            if node.name == fleet.node { return .send }
            guard let peer = fleet.peers.first(where: { $0.node.name == node.name }), peer.fresh else { continue }
            if peer.pending.contains(eventID) || now.timeIntervalSince(eventTime) < patience { return .wait(until: recheck) }
        }
        return .send
    }

    /// Whether this node acts for the fleet where only one should (pushing to targets): no fleet, or no
    /// fresh node comes before it in fleet order, as for delivering an event nobody else has.
    static func actsForTheFleet(_ fleet: FleetPublication?) -> Bool {
        guard let fleet else { return true }
        for node in fleet.fleet.nodes {
            if node.name == fleet.node { return true }
            if fleet.peers.first(where: { $0.node.name == node.name })?.fresh == true { return false }
        }
        return true
    }
}
