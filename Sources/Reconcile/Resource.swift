import DNSWire
import Model

/// One thing a plan can create, update or delete, by identity (`Kind/name`; a zone's record set by zone,
/// owner and type), with its fields as the text people read in a plan. Two resources with the same
/// identity differ exactly where their fields do.
struct Resource {
    let identity: String
    let fields: [(name: String, value: String)]
}

/// The fields of each kind. Secrets are references (`env:NAME`, `file:/path`), never values, so they are
/// safe to print.
enum Resources {
    static func zone(_ zone: Zone) -> Resource {
        Resource(identity: "Zone/\(zone.name)", fields: [
            ("origin", zone.origin.description),
            ("ttl", String(zone.ttl)),
            ("soa.primary", zone.soa.primary.description),
            ("soa.contact", zone.soa.contact.description),
            ("soa.refresh", String(zone.soa.refresh)),
            ("soa.retry", String(zone.soa.retry)),
            ("soa.expire", String(zone.soa.expire)),
            ("soa.negativeTTL", String(zone.soa.negativeTTL)),
            ("nameservers", list(zone.nameservers.map(\.description))),
            ("secondaries", list(zone.secondaries.map(\.description))),
            ("dnssec", zone.dnssec?.description ?? "off"),
        ])
    }

    static func recordSetIdentity(zone: Zone, owner: Name, type: RRType) -> String {
        "Zone/\(zone.name) \(owner.relativeDescription(to: zone.origin)) \(type)"
    }

    static func recordSet(_ set: RecordSet, in zone: Zone) -> Resource {
        Resource(identity: recordSetIdentity(zone: zone, owner: set.owner, type: set.type), fields: [
            ("ttl", String(set.ttl)),
            ("values", list(set.data.map(\.description))),
        ])
    }

    static func monitor(_ monitor: Monitor) -> Resource {
        Resource(identity: "Monitor/\(monitor.name)", fields: [
            ("protocol", monitor.protocol.rawValue),
            ("port", String(monitor.port)),
            ("path", monitor.path),
            ("host", monitor.host ?? ""),
            ("expectStatus", list(monitor.expectStatus.map(\.description))),
            ("expectBody", monitor.expectBody ?? ""),
            ("interval", monitor.interval.readable),
            ("timeout", monitor.timeout.readable),
            ("failureThreshold", String(monitor.failureThreshold)),
            ("successThreshold", String(monitor.successThreshold)),
            ("tlsVerify", String(monitor.tlsVerify)),
            ("caFile", monitor.caFile ?? ""),
            ("send", monitor.send.map { String(decoding: $0, as: UTF8.self) } ?? ""),
            ("expect", monitor.expect.map { String(decoding: $0, as: UTF8.self) } ?? ""),
            ("quorum", monitor.quorum.description),
            ("from", monitor.from.isEmpty ? "all" : list(monitor.from)),
            ("staleAfter", monitor.freshness.readable),
        ])
    }

    static func fleet(_ fleet: Fleet) -> Resource {
        Resource(identity: "Fleet/\(fleet.name)", fields: [
            ("nodes", list(fleet.nodes.map { "\($0.name) \($0.admin)" })),
            ("token", fleet.token.description),
            ("caFile", fleet.caFile ?? ""),
        ])
    }

    static func failover(_ policy: FailoverPolicy) -> Resource {
        Resource(identity: policy.id.description, fields: target(policy.target)
            + policy.tiers.map { ("tiers.\($0.name)", endpoints($0.endpoints)) }
            + [("tiers", list(policy.tiers.map(\.name))),
               ("whenAllDown", policy.whenAllDown.rawValue),
               ("failback", policy.failback.rawValue),
               ("failbackToken", policy.failbackToken ?? ""),
               ("notify", list(policy.notify))])
    }

    static func weighted(_ policy: WeightedPolicy) -> Resource {
        Resource(identity: policy.id.description, fields: target(policy.target) + [
            ("answers", String(policy.answers)),
            ("endpoints", endpoints(policy.endpoints, weights: true)),
            ("whenAllDown", policy.whenAllDown.rawValue),
            ("notify", list(policy.notify)),
        ])
    }

    static func geo(_ policy: GeoPolicy) -> Resource {
        Resource(identity: policy.id.description, fields: target(policy.target)
            + policy.networks.map { ("networks.\($0.name)", list($0.prefixes.map(\.description))) }
            + policy.regions.map { region in
                var match: [String] = []
                if region.isDefault { match.append("default") }
                if !region.continents.isEmpty { match.append("continents \(list(region.continents))") }
                if !region.countries.isEmpty { match.append("countries \(list(region.countries))") }
                if !region.networks.isEmpty { match.append("networks \(list(region.networks))") }
                let answer = switch region.answer {
                case .endpoints(let list): endpoints(list)
                case .use(let policy): "use \(policy)"
                }
                return ("regions.\(region.name)", "\(match.joined(separator: "; ")) → \(answer)")
            }
            + [("regions", list(policy.regions.map(\.name))),
               ("whenAllDown", policy.whenAllDown.rawValue),
               ("notify", list(policy.notify))])
    }

    static func notifier(_ notifier: Notifier) -> Resource {
        var fields: [(String, String)] = [("events", list(notifier.events.sorted().map(\.rawValue)))]
        if let email = notifier.email {
            fields += [("email.url", email.url), ("email.starttls", email.startTLS.rawValue), ("email.from", email.from),
                       ("email.to", list(email.to)), ("email.username", email.username?.description ?? ""),
                       ("email.password", email.password?.description ?? ""), ("email.caFile", email.caFile ?? "")]
        }
        if let webhook = notifier.webhook {
            fields += [("webhook.url", webhook.url), ("webhook.secret", webhook.secret?.description ?? ""),
                       ("webhook.caFile", webhook.caFile ?? ""),
                       ("webhook.headers", list(webhook.headers.map { "\($0.name): \($0.value)" }))]
        }
        return Resource(identity: "Notifier/\(notifier.name)", fields: fields)
    }

    /// `members` as it will be: every served zone (`all`) or the zones listed.
    static func catalog(_ catalog: Catalog, zones: [Zone]) -> Resource {
        let members = catalog.memberZones(of: zones).map(\.name)
        let listed = switch catalog.members {
        case .all: "all (\(list(members)))"
        case .zones: list(members)
        }
        return Resource(identity: "Catalog/\(catalog.name)", fields: [
            ("zone", catalog.origin.description),
            ("secondaries", list(catalog.secondaries.map(\.description))),
            ("members", listed),
        ])
    }

    static func target(_ target: Target) -> Resource {
        Resource(identity: "Target/\(target.name)", fields: [
            ("zone", target.zone.description),
            ("server", target.server),
            ("tsigKey", target.tsigKey?.description ?? "none"),
        ])
    }

    private static func target(_ target: PolicyTarget) -> [(String, String)] {
        [("zone", target.zone), ("owner", target.owner.description), ("type", target.type.rawValue), ("ttl", String(target.ttl))]
    }

    private static func endpoints(_ endpoints: [Endpoint], weights: Bool = false) -> String {
        list(endpoints.map { endpoint in
            var notes: [String] = []
            if weights { notes.append("weight \(endpoint.weight)") }
            if let monitor = endpoint.monitor { notes.append("monitor \(monitor)") }
            if !endpoint.isEnabled { notes.append("disabled") }
            return notes.isEmpty ? endpoint.value.description : "\(endpoint.value) (\(notes.joined(separator: ", ")))"
        })
    }

    private static func list(_ items: [String]) -> String { items.joined(separator: ", ") }
}
