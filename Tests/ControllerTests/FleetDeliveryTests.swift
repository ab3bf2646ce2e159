import Foundation
import Model
import Testing
@testable import Controller

/// Who sends a failover event in a fleet of fra, iad and sin (in that order), from what each node last
/// heard of its peers.
@Suite("Fleet delivery")
struct FleetDeliveryTests {
    static let fleet = Fleet(name: "prod", nodes: ["fra", "iad", "sin"].map { Fleet.Node(name: $0, admin: "http://\($0):8053") },
                             token: .environment("T"))
    static let eventTime = Date(timeIntervalSince1970: 1_800_000_000)

    /// `peers`: each peer's state: `fresh`, `stale`, `pending` (fresh, has it pending), `delivered`.
    static func publication(as node: String, _ peers: [String: String]) -> FleetPublication {
        FleetPublication(
            fleet: fleet, node: node, pullInterval: .seconds(1), staleAfter: .seconds(3),
            peers: fleet.nodes.filter { $0.name != node }.map { peer in
                let state = peers[peer.name] ?? "fresh"
                return .init(node: peer, lastPull: nil, error: nil, fresh: state != "stale", revision: nil, generation: nil,
                             delivered: state == "delivered" ? ["e1"] : [], pending: state == "pending" ? ["e1"] : [])
            },
            own: HealthTable(), ownSince: [:], probed: [], definitions: [:], evidence: [:], stale: [])
    }

    static func decide(as node: String, _ peers: [String: String], secondsAfter: Double = 1, kind: String = "failover")
        -> FleetDelivery.Decision {
        FleetDelivery.decide(eventID: "e1", kind: kind, eventTime: eventTime, now: eventTime.addingTimeInterval(secondsAfter),
                             fleet: publication(as: node, peers))
    }

    /// Targets are pushed by one node: the first fresh one, as it would send an event.
    @Test func oneNodeActsForTheFleet() {
        #expect(FleetDelivery.actsForTheFleet(nil))
        #expect(FleetDelivery.actsForTheFleet(Self.publication(as: "fra", [:])))
        #expect(!FleetDelivery.actsForTheFleet(Self.publication(as: "iad", [:])))
        #expect(FleetDelivery.actsForTheFleet(Self.publication(as: "iad", ["fra": "stale"])))
        #expect(!FleetDelivery.actsForTheFleet(Self.publication(as: "sin", ["fra": "stale"])))
        #expect(FleetDelivery.actsForTheFleet(Self.publication(as: "sin", ["fra": "stale", "iad": "stale"])))
    }

    @Test func theFirstFreshNodeSendsAndTheOthersWait() {
        #expect(Self.decide(as: "fra", [:]) == .send)
        #expect(Self.decide(as: "iad", [:]) == .wait(until: Self.eventTime.addingTimeInterval(2)))
        #expect(Self.decide(as: "sin", ["fra": "pending"], secondsAfter: 60) == .wait(until: Self.eventTime.addingTimeInterval(61)))
    }

    @Test func aDeliveryByAnyPeerIsDropped() {
        #expect(Self.decide(as: "fra", ["sin": "delivered"]) == .deliveredBy("sin"))
        #expect(Self.decide(as: "sin", ["fra": "delivered"]) == .deliveredBy("fra"))
    }

    @Test func aStaleSenderIsPassedByAtOnce() {
        #expect(Self.decide(as: "iad", ["fra": "stale"]) == .send)
        #expect(Self.decide(as: "sin", ["fra": "stale"]) == .wait(until: Self.eventTime.addingTimeInterval(2)))
        #expect(Self.decide(as: "sin", ["fra": "stale", "iad": "stale"]) == .send)
    }

    /// A fresh node that never derived the event (another revision names it otherwise) is waited for a
    /// few pulls, then passed by.
    @Test func aFreshNodeWithoutTheEventIsPassedByAfterAWhile() {
        #expect(Self.decide(as: "iad", [:], secondsAfter: 3) == .wait(until: Self.eventTime.addingTimeInterval(4)))
        #expect(Self.decide(as: "iad", [:], secondsAfter: 5) == .send)
    }

    @Test func eventsOfOneNodeAreAlwaysSent() {
        #expect(Self.decide(as: "sin", [:], kind: "reconcileFailed") == .send)
        #expect(FleetDelivery.decide(eventID: "e1", kind: "failover", eventTime: Self.eventTime, now: Self.eventTime, fleet: nil) == .send)
    }
}
