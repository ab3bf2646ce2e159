/// A resource record type (RFC 1035 §3.2.2 and the IANA registry).
///
/// A struct rather than an enum so that every one of the 65536 values round-trips; unknown types print as
/// `TYPE12345` (RFC 3597 §5).
public struct RRType: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = RRType(1)
    public static let ns = RRType(2)
    public static let cname = RRType(5)
    public static let soa = RRType(6)
    public static let ptr = RRType(12)
    public static let hinfo = RRType(13)
    public static let mx = RRType(15)
    public static let txt = RRType(16)
    public static let aaaa = RRType(28)
    public static let srv = RRType(33)
    public static let naptr = RRType(35)
    public static let dname = RRType(39)
    public static let opt = RRType(41)
    public static let ds = RRType(43)
    public static let rrsig = RRType(46)
    public static let nsec = RRType(47)
    public static let dnskey = RRType(48)
    public static let nsec3 = RRType(50)
    public static let svcb = RRType(64)
    public static let https = RRType(65)
    /// RFC 9824: a meta-type that appears only in the NSEC bitmap of a compact denial, saying the name
    /// does not exist.
    public static let nxname = RRType(128)
    public static let tsig = RRType(250)
    public static let ixfr = RRType(251)
    public static let axfr = RRType(252)
    public static let any = RRType(255)
    public static let caa = RRType(257)
    public static let rp = RRType(17)
    public static let afsdb = RRType(18)
    public static let loc = RRType(29)
    public static let cert = RRType(37)
    public static let sshfp = RRType(44)
    public static let ipseckey = RRType(45)
    public static let nsec3param = RRType(51)
    public static let tlsa = RRType(52)
    public static let smimea = RRType(53)
    public static let cds = RRType(59)
    public static let cdnskey = RRType(60)
    public static let openpgpkey = RRType(61)
    public static let zonemd = RRType(63)
    public static let spf = RRType(99)
    public static let uri = RRType(256)

    private static let mnemonics: [(RRType, String)] = [
        (.a, "A"), (.ns, "NS"), (.cname, "CNAME"), (.soa, "SOA"), (.ptr, "PTR"), (.hinfo, "HINFO"),
        (.mx, "MX"), (.txt, "TXT"), (.aaaa, "AAAA"), (.srv, "SRV"), (.naptr, "NAPTR"), (.dname, "DNAME"),
        (.opt, "OPT"), (.ds, "DS"), (.rrsig, "RRSIG"), (.nsec, "NSEC"), (.dnskey, "DNSKEY"),
        (.nsec3, "NSEC3"), (.svcb, "SVCB"), (.https, "HTTPS"), (.tsig, "TSIG"), (.ixfr, "IXFR"),
        (.axfr, "AXFR"), (.any, "ANY"), (.nxname, "NXNAME"), (.caa, "CAA"), (.rp, "RP"), (.afsdb, "AFSDB"), (.loc, "LOC"),
        (.cert, "CERT"), (.sshfp, "SSHFP"), (.ipseckey, "IPSECKEY"), (.nsec3param, "NSEC3PARAM"), (.tlsa, "TLSA"),
        (.smimea, "SMIMEA"), (.cds, "CDS"), (.cdnskey, "CDNSKEY"), (.openpgpkey, "OPENPGPKEY"), (.zonemd, "ZONEMD"),
        (.spf, "SPF"), (.uri, "URI"),
    ]

    /// Reads a mnemonic (`AAAA`, case-insensitive) or the generic `TYPE<number>` form.
    public init?(mnemonic text: some StringProtocol) {
        let upper = text.uppercased()
        if let known = Self.mnemonics.first(where: { $0.1 == upper }) {
            self = known.0
        } else if upper.hasPrefix("TYPE"), let number = UInt16(upper.dropFirst(4)), upper.count > 4,
                  upper.dropFirst(4).allSatisfy(\.isASCIIDigit) {
            self.init(number)
        } else {
            return nil
        }
    }

    public var description: String {
        Self.mnemonics.first(where: { $0.0 == self })?.1 ?? "TYPE\(rawValue)"
    }

    public static func < (lhs: RRType, rhs: RRType) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A resource record class (RFC 1035 §3.2.4, RFC 2136 §1.3 for NONE); unknown values print as `CLASS<n>`.
public struct RRClass: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let internet = RRClass(1)
    public static let chaos = RRClass(3)
    public static let hesiod = RRClass(4)
    public static let none = RRClass(254)
    public static let any = RRClass(255)

    private static let mnemonics: [(RRClass, String)] = [
        (.internet, "IN"), (.chaos, "CH"), (.hesiod, "HS"), (.none, "NONE"), (.any, "ANY"),
    ]

    /// Reads `IN`, `CH`, `HS`, `NONE`, `ANY` (case-insensitive) or the generic `CLASS<number>` form.
    public init?(mnemonic text: some StringProtocol) {
        let upper = text.uppercased()
        if let known = Self.mnemonics.first(where: { $0.1 == upper }) {
            self = known.0
        } else if upper.hasPrefix("CLASS"), upper.count > 5, upper.dropFirst(5).allSatisfy(\.isASCIIDigit),
                  let number = UInt16(upper.dropFirst(5)) {
            self.init(number)
        } else {
            return nil
        }
    }

    public var description: String {
        Self.mnemonics.first(where: { $0.0 == self })?.1 ?? "CLASS\(rawValue)"
    }
}
