import Model
import Testing
@testable import Monitor

/// Effective health as a table: the quorum, how many locations probe, each location's verdict
/// (`U` up, `D` down, `?` unknown, lower case: stale, `x`: another monitor definition), the last
/// effective state, and what must come of them.
@Suite("Effective health by quorum")
struct EffectiveHealthTests {
    struct Row: CustomStringConvertible, Sendable {
        var quorum: Quorum
        var verdicts: String
        var last: HealthState
        var state: HealthState
        var stale: Bool
        var description: String { "quorum \(quorum), \(verdicts), last \(last.rawValue) → \(state.rawValue)\(stale ? " held" : "")" }
    }

    static let rows: [Row] = [
        // quorum 2 of 3: one location's outage changes nothing, two fail over.
        Row(quorum: .count(2), verdicts: "UUU", last: .up, state: .up, stale: false),
        Row(quorum: .count(2), verdicts: "DUU", last: .up, state: .up, stale: false),
        Row(quorum: .count(2), verdicts: "DDU", last: .up, state: .down, stale: false),
        Row(quorum: .count(2), verdicts: "DDD", last: .up, state: .down, stale: false),
        Row(quorum: .count(2), verdicts: "DUU", last: .down, state: .up, stale: false),
        // Stale verdicts do not count: cut off from both peers, the last state holds, marked stale.
        Row(quorum: .count(2), verdicts: "Ddd", last: .up, state: .up, stale: true),
        Row(quorum: .count(2), verdicts: "Uuu", last: .down, state: .down, stale: true),
        Row(quorum: .count(2), verdicts: "DDu", last: .up, state: .down, stale: false),
        Row(quorum: .count(2), verdicts: "DUd", last: .down, state: .up, stale: false),
        // Unknown (not probed to a verdict yet) is no vote.
        Row(quorum: .count(2), verdicts: "D??", last: .unknown, state: .unknown, stale: true),
        Row(quorum: .count(2), verdicts: "U?U", last: .unknown, state: .up, stale: false),
        // A node probing another definition of the monitor (another revision) is no vote.
        Row(quorum: .count(2), verdicts: "DxU", last: .up, state: .up, stale: false),
        Row(quorum: .count(2), verdicts: "Dxu", last: .up, state: .up, stale: true),
        Row(quorum: .count(2), verdicts: "DxD", last: .up, state: .down, stale: false),
        // majority of 3 is 2; of 4 is 3.
        Row(quorum: .majority, verdicts: "DDU", last: .up, state: .down, stale: false),
        Row(quorum: .majority, verdicts: "DDUU", last: .up, state: .up, stale: false),
        Row(quorum: .majority, verdicts: "DDDU", last: .up, state: .down, stale: false),
        // all: every location fresh and down.
        Row(quorum: .all, verdicts: "DDU", last: .up, state: .up, stale: false),
        Row(quorum: .all, verdicts: "DDD", last: .up, state: .down, stale: false),
        Row(quorum: .all, verdicts: "DDd", last: .up, state: .up, stale: true),
        // any: one down vote is enough; up needs no down vote among the fresh.
        Row(quorum: .any, verdicts: "DUU", last: .up, state: .down, stale: false),
        Row(quorum: .any, verdicts: "Udd", last: .down, state: .up, stale: false),
        Row(quorum: .any, verdicts: "ddd", last: .down, state: .down, stale: true),
        // A fleet of one is a plain controller: its own verdict is the effective one.
        Row(quorum: .majority, verdicts: "D", last: .up, state: .down, stale: false),
        Row(quorum: .majority, verdicts: "U", last: .down, state: .up, stale: false),
    ]

    static func verdicts(_ text: String) -> [LocationVerdict] {
        text.enumerated().map { index, letter in
            let state: HealthState = switch letter.uppercased() {
            case "U": .up
            case "D": .down
            case "X": .down
            default: .unknown
            }
            return LocationVerdict(location: "n\(index)", state: state, since: Timestamp(millisecondsSince1970: Int64(index) * 1000),
                                   result: nil, fresh: letter.isUppercase || letter == "x" || letter == "?", sameDefinition: letter != "x")
        }
    }

    @Test(arguments: rows)
    func decides(row: Row) {
        let verdicts = Self.verdicts(row.verdicts)
        let outcome = EffectiveHealth.decide(quorum: row.quorum, locations: verdicts.count, verdicts: verdicts, last: row.last)
        #expect(outcome.state == row.state)
        #expect(outcome.stale == row.stale)
    }

    /// Dated by the verdicts: down when the quorum was reached (the 2nd earliest of 3 down verdicts for
    /// quorum 2), up when the down votes fell below it; the same on every node whatever the pull order.
    @Test func datesTheChangeByTheVerdicts() {
        func at(_ seconds: Int64) -> Timestamp { Timestamp(millisecondsSince1970: seconds * 1000) }
        let down = [("a", 30), ("b", 10), ("c", 20)].map {
            LocationVerdict(location: $0.0, state: .down, since: at(Int64($0.1)), result: nil, fresh: true)
        }
        #expect(EffectiveHealth.decide(quorum: .count(2), locations: 3, verdicts: down, last: .up).decidedAt == at(20))
        #expect(EffectiveHealth.decide(quorum: .count(2), locations: 3, verdicts: Array(down.prefix(2)), last: .up).decidedAt == at(30))
        let recovering = [LocationVerdict(location: "a", state: .up, since: at(50), result: nil, fresh: true),
                          LocationVerdict(location: "b", state: .down, since: at(10), result: nil, fresh: true),
                          LocationVerdict(location: "c", state: .up, since: at(40), result: nil, fresh: true)]
        #expect(EffectiveHealth.decide(quorum: .count(2), locations: 3, verdicts: recovering, last: .down).decidedAt == at(50))
    }
}
