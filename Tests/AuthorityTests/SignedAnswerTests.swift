import Crypto
import DNSWire
import Manifests
import Model
import Synchronization
import Testing
@testable import Authority

/// Signed zones: what a DO query gets (RRSIGs that verify against the zone's DNSKEY, compact denial per
/// RFC 9824), what a query without DO does not, the signature budget, and what a version hands its
/// secondaries (an NSEC chain, a signature per RRset, a flip that re-signs only what it changed).
@Suite("Signed answers")
struct SignedAnswerTests {
    static let manifests = """
        apiVersion: switchyard.io/v1
        kind: Zone
        metadata: {name: example.com}
        spec:
          ttl: 3600
          soa: {primary: ns1, contact: hostmaster, negativeTtl: 300}
          nameservers: [ns1, ns2]
          secondaries: [{address: 192.0.2.53}]
          dnssec: {algorithm: ecdsap256sha256}
          records:
            - {name: ns1, type: A, values: [192.0.2.53]}
            - {name: ns2, type: A, values: [192.0.2.54]}
            - {name: static, type: A, values: [192.0.2.1, 192.0.2.2]}
            - {name: alias, type: CNAME, values: [static]}
            - {name: "*.wild", type: TXT, values: [wildcard]}
            - {name: a.b.ent, type: A, values: [192.0.2.5]}
            - {name: sub, type: NS, values: [ns.sub]}
            - {name: ns.sub, type: A, values: [192.0.2.99]}
            - {name: secure, type: NS, values: [ns.secure]}
            - {name: secure, type: DS, values: ["12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"]}
            - {name: ns.secure, type: A, values: [192.0.2.98]}
            - {name: big, type: TXT, values: [\((0..<4).map { String(repeating: "\($0)", count: 250) }.joined(separator: ", ")), \(String(repeating: "x", count: 100))]}
        ---
        apiVersion: switchyard.io/v1
        kind: Monitor
        metadata: {name: web}
        spec: {protocol: tcp, port: 443}
        ---
        apiVersion: switchyard.io/v1
        kind: FailoverPolicy
        metadata: {name: www}
        spec:
          zone: example.com
          name: www
          type: A
          ttl: 60
          monitor: web
          tiers: [{name: primary, endpoints: [192.0.2.10]}, {name: secondary, endpoints: [192.0.2.20]}]
        """

    static let now: UInt32 = 1_800_000_000
    static let state: DesiredState = {
        let result = ManifestCompiler.compile([ManifestSource(path: "zones.yaml", text: manifests)])
        precondition(!result.diagnostics.hasErrors, "\(result.diagnostics)")
        return result.state!
    }()
    static let origin = try! Name("example.com.")

    /// Build options that sign example.com with `key`, its signatures kept in `cache`.
    static func options(key: ZoneSigningKey, cache: SignatureCache) -> Snapshot.BuildOptions {
        Snapshot.BuildOptions(signingKeys: [origin: key], signatures: cache)
    }

    static func health(_ address: String, _ state: HealthState) -> HealthTable {
        HealthTable([EndpointKey(monitor: "web", value: .address(IPAddress(address)!)): state])
    }

    static func query(_ name: String, _ type: RRType, dnssecOK: Bool = true, compactOK: Bool = false) throws -> Message {
        var query = Message(questions: [Question(name: try Name(name), type: type)])
        query.edns = EDNS(isDNSSECOK: dnssecOK, otherFlags: compactOK ? EDNS.compactAnswersOK : 0)
        return query
    }

    static func answer(_ name: String, _ type: RRType, from snapshot: Snapshot, dnssecOK: Bool = true, compactOK: Bool = false) throws -> Message {
        Authority.answer(try query(name, type, dnssecOK: dnssecOK, compactOK: compactOK), from: snapshot,
                         client: ClientInfo(address: nil, transport: .tcp))
    }

    /// Every RRSIG in `records` verifies over the RRset it covers (same owner and type) with `key`.
    static func verifyAll(_ records: [ResourceRecord], key: ZoneSigningKey) throws -> Int {
        var verified = 0
        for signature in records where signature.type == .rrsig {
            guard case .unknown(_, let rdata) = signature.data else { Issue.record("RRSIG not as octets"); continue }
            let rrsig = try RRSIG(rdata: rdata)
            let covered = records.filter { $0.type == rrsig.typeCovered && $0.name == signature.name }
            #expect(!covered.isEmpty, "an RRSIG over nothing: \(signature)")
            let data = rrsig.signedData(owner: signature.name, rdatas: covered.map(\.data))
            let publicKey = try P256.Signing.PublicKey(rawRepresentation: key.dnskey.publicKey)
            let ecdsa = try P256.Signing.ECDSASignature(rawRepresentation: rrsig.signature)
            #expect(publicKey.isValidSignature(ecdsa, for: data), "does not verify: \(signature)")
            #expect(rrsig.keyTag == key.keyTag && rrsig.signer == origin && rrsig.originalTTL == covered[0].ttl)
            #expect(rrsig.inception < now && rrsig.expiration > now + 6 * 86_400)
            verified += 1
        }
        return verified
    }

    static func nsec(in records: [ResourceRecord]) throws -> (owner: Name, nsec: NSEC)? {
        guard let record = records.first(where: { $0.type == .nsec }), case .unknown(_, let rdata) = record.data else { return nil }
        return (record.name, try NSEC(rdata: rdata))
    }

    @Test func doQueriesGetSignaturesThatVerifyAndOthersGetNone() throws {
        let key = try ZoneSigningKey.generate(algorithm: DNSSEC.ecdsaP256SHA256)
        let cache = SignatureCache(clock: { Self.now })
        let snapshot = Snapshot.build(Self.state, health: Self.health("192.0.2.10", .up), previous: nil, now: Self.now,
                                      options: Self.options(key: key, cache: cache))

        let plain = try Self.answer("static.example.com", .a, from: snapshot, dnssecOK: false)
        #expect(plain.answers.count == 2 && plain.authority.isEmpty)

        for (name, type) in [("static.example.com", RRType.a), ("www.example.com", .a), ("alias.example.com", .a),
                             ("example.com", .dnskey), ("example.com", .cds), ("example.com", .cdnskey), ("example.com", .ns)] {
            let response = try Self.answer(name, type, from: snapshot)
            #expect(response.rcode == .noError && response.header.isAuthoritative)
            let rrsets = Set(response.answers.filter { $0.type != .rrsig }.map { "\($0.name) \($0.type)" }).count
            #expect(try Self.verifyAll(response.answers, key: key) == rrsets, "\(name) \(type): \(response.answers)")
        }
        // A wildcard's expansion is signed as the name asked (labels = its own), so no wildcard proof is needed.
        let wild = try Self.answer("anything.wild.example.com", .txt, from: snapshot)
        #expect(try Self.verifyAll(wild.answers, key: key) == 1)
        let cds = try Self.answer("example.com", .cds, from: snapshot).answers.first { $0.type == .cds }
        #expect(cds?.data == .unknown(type: .cds, data: key.ds(owner: Self.origin).rdata))
    }

    @Test func denialIsOneMinimallyCoveringNSEC() throws {
        let key = try ZoneSigningKey.generate(algorithm: DNSSEC.ecdsaP256SHA256)
        let snapshot = Snapshot.build(Self.state, health: Self.health("192.0.2.10", .up), previous: nil, now: Self.now,
                                      options: Self.options(key: key, cache: SignatureCache(clock: { Self.now })))
        // A name that does not exist: NOERROR (RFC 9824 §3.2), NSEC at the name to its immediate successor,
        // RRSIG NSEC NXNAME; NXDOMAIN with CO set, and CO echoed.
        let missing = try Self.answer("missing.example.com", .a, from: snapshot)
        #expect(missing.rcode == .noError && missing.answers.isEmpty)
        let denial = try #require(try Self.nsec(in: missing.authority))
        #expect(denial.owner == (try Name("missing.example.com.")))
        #expect(denial.nsec.next == (try Name("\\000.missing.example.com.")))
        #expect(denial.nsec.types == [.rrsig, .nsec, .nxname])
        #expect(try Self.verifyAll(missing.authority, key: key) == 2)  // SOA and NSEC
        let compact = try Self.answer("missing.example.com", .a, from: snapshot, compactOK: true)
        #expect(compact.rcode == .nameError && compact.edns?.isCompactAnswersOK == true)
        #expect(try Self.answer("missing.example.com", .a, from: snapshot, dnssecOK: false).rcode == .nameError)

        // NODATA: the types the name has, never the one asked; at a policy, what the policy serves.
        let nodata = try #require(try Self.nsec(in: Self.answer("static.example.com", .aaaa, from: snapshot).authority))
        #expect(nodata.nsec.types == [.a, .rrsig, .nsec])
        let policy = try #require(try Self.nsec(in: Self.answer("www.example.com", .txt, from: snapshot).authority))
        #expect(policy.nsec.types == [.a, .rrsig, .nsec])
        let apex = try #require(try Self.nsec(in: Self.answer("example.com", .txt, from: snapshot).authority))
        #expect(apex.nsec.types == [.ns, .soa, .rrsig, .nsec, .dnskey, .cds, .cdnskey])
        let emptyNonTerminal = try #require(try Self.nsec(in: Self.answer("b.ent.example.com", .a, from: snapshot).authority))
        #expect(emptyNonTerminal.nsec.types == [.rrsig, .nsec])

        // Referrals: an unsigned child is proved so (NSEC at the cut: NS, no DS); a signed one gets its DS.
        let insecure = try Self.answer("host.sub.example.com", .a, from: snapshot)
        #expect(!insecure.header.isAuthoritative)
        #expect(try Self.nsec(in: insecure.authority).map { $0.nsec.types } == [.ns, .rrsig, .nsec])
        #expect(try Self.verifyAll(insecure.authority, key: key) == 1, "the NSEC is signed, the child's NS is not")
        let secure = try Self.answer("host.secure.example.com", .a, from: snapshot)
        let secureDenial = try Self.nsec(in: secure.authority)
        #expect(secure.authority.contains { $0.type == .ds } && secureDenial == nil)
        #expect(try Self.verifyAll(secure.authority, key: key) == 1)

        // NXNAME is not a question (RFC 9824 §3.5).
        #expect(try Self.answer("static.example.com", .nxname, from: snapshot).rcode == .formatError)
    }

    @Test func signaturesThatDoNotFitUDPAreTruncatedAndFitTCP() throws {
        let key = try ZoneSigningKey.generate(algorithm: DNSSEC.ecdsaP256SHA256)
        let snapshot = Snapshot.build(Self.state, health: Self.health("192.0.2.10", .up), previous: nil, now: Self.now,
                                      options: Self.options(key: key, cache: SignatureCache(clock: { Self.now })))
        let query = try Self.query("big.example.com", .txt)
        // 1,105 octets of TXT fit 1,232 unsigned; with the RRSIG they do not: TC, and the client asks over TCP.
        let unsigned = try #require(Authority.respond(to: try Self.query("big.example.com", .txt, dnssecOK: false), from: snapshot,
                                                      client: ClientInfo(address: nil, transport: .udp)))
        #expect(try Message(wire: unsigned).header.isTruncated == false)
        let udp = try Message(wire: try #require(Authority.respond(to: query, from: snapshot, client: ClientInfo(address: nil, transport: .udp))))
        #expect(udp.header.isTruncated && udp.answers.filter { $0.type == .rrsig }.isEmpty)
        let tcp = try Message(wire: try #require(Authority.respond(to: query, from: snapshot, client: ClientInfo(address: nil, transport: .tcp))))
        let verified = try Self.verifyAll(tcp.answers, key: key)
        #expect(!tcp.header.isTruncated && verified == 1)
    }

    @Test func signaturesAreCachedAcrossSnapshotsAndBudgeted() throws {
        let key = try ZoneSigningKey.generate(algorithm: DNSSEC.ecdsaP256SHA256)
        var limits = SignatureCache.Limits()
        limits.newPerSecond = 2
        let clock = Mutex(Self.now)
        let cache = SignatureCache(limits: limits, clock: { clock.withLock { $0 } })
        let first = Snapshot.build(Self.state, health: Self.health("192.0.2.10", .up), previous: nil, now: Self.now,
                                   options: Self.options(key: key, cache: cache))
        // The version was signed at build time, outside the budget: these answers cost no new signature.
        let made = cache.counts.made
        let signature = try Self.answer("static.example.com", .a, from: first).answers.last
        // ECDSA signatures differ each time they are made: the same bytes prove the cache answered.
        #expect(try Self.answer("static.example.com", .a, from: first).answers.last == signature)
        let second = Snapshot.build(Self.state, health: Self.health("192.0.2.10", .up), previous: first, now: Self.now + 1,
                                    options: Self.options(key: key, cache: cache))
        #expect(try Self.answer("static.example.com", .a, from: second).answers.last == signature)
        #expect(cache.counts.made == made)

        // Distinct names asked (each a new NSEC to sign): two a second, then SERVFAIL until the next second.
        clock.withLock { $0 += 10 }
        #expect(try Self.answer("one.example.com", .a, from: second).rcode == .noError)
        #expect(try Self.answer("two.example.com", .a, from: second).rcode == .noError)
        #expect(try Self.answer("three.example.com", .a, from: second).rcode == .serverFailure)
        #expect(cache.counts.refused == 1)
        clock.withLock { $0 += 1 }
        #expect(try Self.answer("three.example.com", .a, from: second).rcode == .noError)

        // Four days before expiry a signature is made again.
        clock.withLock { $0 = Self.now + 3 * 86_400 + 1 }
        #expect(try Self.answer("static.example.com", .a, from: second).answers.last != signature)
    }

    @Test func versionsCarryAChainAndAFlipResignsOnlyThePolicy() throws {
        let key = try ZoneSigningKey.generate(algorithm: DNSSEC.ecdsaP256SHA256)
        let cache = SignatureCache(clock: { Self.now })
        let up = Snapshot.build(Self.state, health: Self.health("192.0.2.10", .up), previous: nil, now: Self.now,
                                options: Self.options(key: key, cache: cache))
        let zone = try #require(up.zones[Self.origin])
        let records = try #require(zone.signed).records + zone.content.staticRecords() + zone.policyRecords.values.joined()
        #expect(try Self.verifyAll(records + [zone.soa], key: key) > 10)

        // The chain: every name with data (not glue, not empty non-terminals) once, in canonical order,
        // the last back to the apex.
        let chain = records.filter { $0.type == .nsec }.sorted { $0.name.canonicalSortKey.lexicographicallyPrecedes($1.name.canonicalSortKey) }
        let owners = chain.map(\.name.description)
        #expect(owners == ["example.com.", "alias.example.com.", "big.example.com.", "a.b.ent.example.com.", "ns1.example.com.", "ns2.example.com.",
                           "secure.example.com.", "static.example.com.", "sub.example.com.", "*.wild.example.com.", "www.example.com."])
        for (index, record) in chain.enumerated() {
            guard case .unknown(_, let rdata) = record.data else { continue }
            #expect(try NSEC(rdata: rdata).next == chain[(index + 1) % chain.count].name)
        }

        // A failover: the policy's answer, its signature and NSEC, and the SOA's signature; nothing else.
        let down = Snapshot.build(Self.state, health: Self.health("192.0.2.10", .down), previous: up, now: Self.now + 60,
                                  options: Self.options(key: key, cache: cache))
        let flipped = try #require(down.zones[Self.origin])
        #expect(flipped.signed?.statics === zone.signed?.statics)
        let delta = try #require(flipped.journal.deltas.last)
        let touched = Set((delta.deleted + delta.added).map { "\($0.name) \($0.type)" })
        #expect(touched == ["www.example.com. A", "www.example.com. RRSIG", "example.com. RRSIG"], "\(touched)")
        #expect(delta.added.filter { $0.type == .rrsig }.count == 2)

        // Restarted (the store's version, same content): a signed zone cannot keep its serial.
        let restored = StoredZoneVersion(serial: zone.serial, digest: zone.digest, journal: zone.journal)
        var options = Self.options(key: key, cache: cache)
        options.restored = [Self.origin: restored]
        let again = Snapshot.build(Self.state, health: Self.health("192.0.2.10", .up), previous: nil, now: Self.now + 120, options: options)
        #expect(again.zones[Self.origin].map { SerialNumber.isGreater($0.serial, than: zone.serial) } == true)
    }

    @Test func aLargeZoneIsSignedOnEveryCoreEachRRsetOnce() throws {
        let records = (0..<1_500).map { "    - {name: h\($0), type: A, values: [10.0.\($0 >> 8).\($0 & 255)]}" }.joined(separator: "\n")
        let text = """
            apiVersion: switchyard.io/v1
            kind: Zone
            metadata: {name: example.com}
            spec:
              soa: {primary: ns1, contact: hostmaster}
              nameservers: [ns1, ns2]
              secondaries: [{address: 192.0.2.53}]
              dnssec: {}
              records:
            \(records)
            """
        let state = try #require(ManifestCompiler.compile([ManifestSource(path: "big.yaml", text: text)]).state)
        let key = try ZoneSigningKey.generate(algorithm: DNSSEC.ecdsaP256SHA256)
        let snapshot = Snapshot.build(state, previous: nil, now: Self.now, options: Self.options(key: key, cache: SignatureCache(clock: { Self.now })))
        let zone = try #require(snapshot.zones[Self.origin])
        let all = try #require(zone.signed).records + zone.content.staticRecords()
        let signatures = all.filter { $0.type == .rrsig }
        // 1,500 A sets, the apex NS, SOA, DNSKEY, CDS and CDNSKEY sets, and an NSEC at each of the 1,501 names.
        #expect(signatures.count == 1_500 + 5 + 1_501)
        #expect(Set(signatures.map { record -> String in
            guard case .unknown(_, let rdata) = record.data, let rrsig = try? RRSIG(rdata: rdata) else { return "" }
            return "\(record.name) \(rrsig.typeCovered)"
        }).count == signatures.count)
        #expect(try Self.verifyAll(all + [zone.soa], key: key) == signatures.count)
    }

    @Test func withoutSecondariesNothingIsSignedAhead() throws {
        let unshared = Self.manifests.replacingOccurrences(of: "  secondaries: [{address: 192.0.2.53}]\n", with: "")
        let state = try #require(ManifestCompiler.compile([ManifestSource(path: "zones.yaml", text: unshared)]).state)
        let key = try ZoneSigningKey.generate(algorithm: DNSSEC.ecdsaP256SHA256)
        let cache = SignatureCache(clock: { Self.now })
        let snapshot = Snapshot.build(state, health: Self.health("192.0.2.10", .up), previous: nil, now: Self.now,
                                      options: Self.options(key: key, cache: cache))
        #expect(snapshot.zones[Self.origin]?.signed == nil && cache.counts.made == 0)
        #expect(try Self.verifyAll(Self.answer("static.example.com", .a, from: snapshot).answers, key: key) == 1)
    }

    @Test func ed25519KeysSignToo() throws {
        let key = try ZoneSigningKey.generate(algorithm: DNSSEC.ed25519)
        let reread = try ZoneSigningKey(algorithm: DNSSEC.ed25519, privateKey: key.privateKey)
        #expect(reread.dnskey == key.dnskey && key.dnskey.publicKey.count == 32 && key.dnskey.flags == 257)
        let snapshot = Snapshot.build(Self.state, health: Self.health("192.0.2.10", .up), previous: nil, now: Self.now,
                                      options: Self.options(key: key, cache: SignatureCache(clock: { Self.now })))
        let response = try Self.answer("static.example.com", .a, from: snapshot)
        let signature = try #require(response.answers.last)
        guard case .unknown(_, let rdata) = signature.data else { Issue.record("no RRSIG"); return }
        let rrsig = try RRSIG(rdata: rdata)
        #expect(rrsig.algorithm == DNSSEC.ed25519)
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: key.dnskey.publicKey)
        #expect(publicKey.isValidSignature(rrsig.signature, for: rrsig.signedData(owner: signature.name,
                                                                                   rdatas: response.answers.dropLast().map(\.data))))
        #expect(throws: ZoneSigningKey.InvalidKey.self) { try ZoneSigningKey(algorithm: 8, privateKey: key.privateKey) }
    }
}
