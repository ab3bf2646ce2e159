import DNSWire
import Model

/// How an answer that is not the same for every query varies, when one policy's choice is all that
/// varies it (a weighted pick among several, a geo region): a packet cache keeps one response per choice
/// and asks `decide` which one this query gets, instead of answering it in full. A class: it rides along
/// every response as an optional reference, which costs a static answer one pointer.
public final class AnswerVariation: Sendable {
    /// Whose location decides a geo answer: the query's own Client Subnet (fixed by its bytes) or the
    /// address it came from.
    enum Location: Sendable {
        case query(IPAddress?)
        case client
    }

    let policy: ServedPolicy
    let location: Location
    let geoip: GeoIPDatabase?
    /// The choice the answer this came with was made by.
    public let made: AnswerChoice

    init(policy: ServedPolicy, location: Location, geoip: GeoIPDatabase?, made: AnswerChoice) {
        self.policy = policy
        self.location = location
        self.geoip = geoip
        self.made = made
    }

    /// The choice for a query with the same bytes from `client`, drawn as the answer itself would draw it;
    /// nil when the pick is too large to name by index (then the query is answered in full).
    public func decide(client: IPAddress?, random: inout some RandomNumberGenerator) -> AnswerChoice? {
        let address: IPAddress? = switch location {
        case .query(let address): address
        case .client: client
        }
        let (answer, scope, region) = policy.current(for: address, geoip: geoip)
        return answer.drawPacked(using: &random).map { AnswerChoice(policy: policy.id, region: region, picks: $0, scope: scope) }
    }
}

/// One policy's choice for one query: what decides the response's bytes besides the query's own. Two
/// choices of the same policy are equal when they answer alike; the policy is not compared.
public struct AnswerChoice: Hashable, Sendable {
    let policy: PolicyID
    /// The geo region chosen (-1: the default, or not geo).
    let region: Int
    /// The weighted pick, by index (`PolicyAnswer.drawPacked`).
    let picks: UInt64
    /// The Client Subnet scope the choice was decided at (geo), else 0.
    let scope: UInt8

    public static func == (left: AnswerChoice, right: AnswerChoice) -> Bool {
        left.region == right.region && left.picks == right.picks && left.scope == right.scope
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(region)
        hasher.combine(picks)
        hasher.combine(scope)
    }
}
