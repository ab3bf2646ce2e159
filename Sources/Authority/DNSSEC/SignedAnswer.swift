import DNSWire

/// Where a lookup found nothing to give, for the compact denial (RFC 9824) a signed answer carries: the
/// name, its zone, and the types it holds; nil types when the name does not exist.
struct Denial {
    let owner: Name
    let zone: ZoneData
    let types: [RRType]?
}

extension Lookup {
    /// Makes the sections a DO query gets from signed zones: an RRSIG after each RRset of our data in
    /// the answer and authority sections (not the NS of a referral, not glue), and one NSEC denying what
    /// was not found (RFC 9824: owned by the name asked, the next name its immediate successor, so it
    /// reveals no other name). A name that does not exist says NOERROR with NXNAME in the bitmap, or
    /// NXDOMAIN when the query sets CO. False when a signature could not be made (the budget is spent).
    mutating func addSignatures(compactAnswersOK: Bool) -> Bool {
        guard let signedAnswers = signed(answers), var signedAuthority = signed(authority) else { return false }
        if let denial, let signer = denial.zone.signer {
            // A name within two octets of the 255 limit has no successor by prepending a label: its denial
            // goes without NSEC, and validators fail it. Any other successor would deny names that may exist.
            if let next = try? denial.owner.prepending(label: [0]) {
                let types = denial.types.map { $0 + [.rrsig, .nsec] } ?? [.rrsig, .nsec, .nxname]
                let nsec = ResourceRecord(name: denial.owner, ttl: denial.zone.negativeSOA.ttl,
                                          data: .unknown(type: .nsec, data: NSEC(next: next, types: types).rdata))
                guard let signature = signer.rrsig(over: [nsec]) else { return false }
                signedAuthority += [nsec, signature]
            }
            if denial.types == nil, !compactAnswersOK { rcode = .noError }
        }
        answers = signedAnswers
        authority = signedAuthority
        return true
    }

    /// `records` with the RRSIG of each RRset of a signed zone after it; nil when one cannot be made.
    private func signed(_ records: [ResourceRecord]) -> [ResourceRecord]? {
        var out: [ResourceRecord] = []
        out.reserveCapacity(records.count * 2)
        var start = records.startIndex
        while start < records.endIndex {
            let first = records[start]
            var end = start + 1
            while end < records.endIndex, records[end].type == first.type, records[end].name == first.name { end += 1 }
            out += records[start..<end]
            // A referral's NS set belongs to the child: only the parent's NSEC about it is signed.
            if isAuthoritative || first.type != .ns, let signer = snapshot.zone(for: first.name)?.signer {
                guard let signature = signer.rrsig(over: records[start..<end]) else { return nil }
                out.append(signature)
            }
            start = end
        }
        return out
    }
}
