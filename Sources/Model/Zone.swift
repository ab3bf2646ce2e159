import DNSWire

/// An authoritative zone with its static records.
public struct Zone: Hashable, Sendable {
    /// The manifest name, which is also the origin's text (`example.com`).
    public var name: String
    public var origin: Name
    /// The TTL of static records that do not set their own.
    public var ttl: UInt32
    public var soa: SOASettings
    /// The apex NS set.
    public var nameservers: [Name]
    /// Servers that get NOTIFY and may transfer the zone.
    public var secondaries: [Secondary]
    /// Static record sets, sorted by owner (canonical order) then type.
    public var records: [RecordSet]
    /// Signed with DNSSEC when set.
    public var dnssec: ZoneSigning?

    public init(name: String, origin: Name, ttl: UInt32, soa: SOASettings, nameservers: [Name],
                secondaries: [Secondary] = [], records: [RecordSet] = [], dnssec: ZoneSigning? = nil) {
        self.name = name
        self.dnssec = dnssec
        self.origin = origin
        self.ttl = ttl
        self.soa = soa
        self.nameservers = nameservers
        self.secondaries = secondaries
        // Canonical order of owners (RFC 4034 §6.1), then type; one key per record keeps this fast for
        // zones of many thousands of records.
        self.records = records.map { (key: $0.owner.canonicalSortKey, record: $0) }
            .sorted { precedes($0.key, $1.key, orSameAnd: $0.record.type < $1.record.type) }
            .map(\.record)
    }
}

/// How a zone is signed: one combined signing key (CSK) of `algorithm`, generated and kept in the data
/// directory, or read from a BIND-style private key file.
public struct ZoneSigning: Hashable, Sendable, CustomStringConvertible {
    public enum Algorithm: String, CaseIterable, Hashable, Sendable {
        case ecdsap256sha256
        case ed25519

        /// The DNSSEC algorithm number (IANA registry).
        public var number: UInt8 {
            switch self {
            case .ecdsap256sha256: DNSSEC.ecdsaP256SHA256
            case .ed25519: DNSSEC.ed25519
            }
        }
    }

    public var algorithm: Algorithm
    /// A BIND `K<zone>+<alg>+<tag>.private` file to read the key from; nil: the controller's own key.
    public var keyFile: String?

    public init(algorithm: Algorithm = .ecdsap256sha256, keyFile: String? = nil) {
        self.algorithm = algorithm
        self.keyFile = keyFile
    }

    /// `ecdsap256sha256, key kept by the controller` or `ed25519, key from file:/etc/keys/K….private`.
    public var description: String {
        "\(algorithm.rawValue), key " + (keyFile.map { "from file:\($0)" } ?? "kept by the controller")
    }
}

/// The SOA fields an operator sets; the serial is Switchyard's to manage.
public struct SOASettings: Hashable, Sendable {
    public var primary: Name
    /// The contact mailbox as a name (`hostmaster.example.com.`).
    public var contact: Name
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    /// Negative-caching TTL (RFC 2308).
    public var negativeTTL: UInt32

    public init(primary: Name, contact: Name, refresh: UInt32, retry: UInt32, expire: UInt32, negativeTTL: UInt32) {
        self.primary = primary
        self.contact = contact
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.negativeTTL = negativeTTL
    }
}

/// A secondary server: where NOTIFY goes and who may transfer.
public struct Secondary: Hashable, Sendable, CustomStringConvertible {
    /// An address, or a host name resolved when the config is applied.
    public enum Host: Hashable, Sendable, CustomStringConvertible {
        case address(IPAddress)
        case name(String)

        public var description: String {
            switch self {
            case .address(.v6(let address)): "[\(address)]"
            case .address(let address): address.description
            case .name(let name): name
            }
        }
    }

    public var host: Host
    public var port: UInt16
    /// The key its transfers and NOTIFYs are signed with; nil: unsigned.
    public var tsigKey: TSIGKey?

    public init(host: Host, port: UInt16 = 53, tsigKey: TSIGKey? = nil) {
        self.host = host
        self.port = port
        self.tsigKey = tsigKey
    }

    public init(address: IPAddress, port: UInt16 = 53, tsigKey: TSIGKey? = nil) {
        self.init(host: .address(address), port: port, tsigKey: tsigKey)
    }

    /// `192.0.2.53:53`, `[2001:db8::53]:5300`, `ns2.example.net:53`, with ` key NAME` when signed.
    public var description: String {
        "\(host):\(port)" + (tsigKey.map { " key \($0)" } ?? "")
    }
}

/// A TSIG key (RFC 8945) by name: its algorithm and where its secret is read (never the secret).
public struct TSIGKey: Hashable, Sendable, CustomStringConvertible {
    public var name: Name
    public var algorithm: TSIGAlgorithm
    public var secret: SecretReference

    public init(name: Name, algorithm: TSIGAlgorithm = .hmacSHA256, secret: SecretReference) {
        self.name = name
        self.algorithm = algorithm
        self.secret = secret
    }

    /// The environment variable a key named only by name is read from: `SWITCHYARD_TSIG_<NAME>`, the
    /// name upper-cased, every character other than a letter or digit as `_` (`xfr` → `SWITCHYARD_TSIG_XFR`).
    public static func environmentVariable(for name: Name) -> String {
        let text = name.description.hasSuffix(".") ? String(name.description.dropLast()) : name.description
        return "SWITCHYARD_TSIG_" + String(text.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    /// `xfr. (hmac-sha256, env:SWITCHYARD_TSIG_XFR)`.
    public var description: String { "\(name) (\(algorithm), \(secret))" }
}

/// All static records of one owner and type.
public struct RecordSet: Hashable, Sendable {
    public var owner: Name
    public var type: RRType
    public var ttl: UInt32
    public var data: [RData]

    public init(owner: Name, type: RRType, ttl: UInt32, data: [RData]) {
        self.owner = owner
        self.type = type
        self.ttl = ttl
        self.data = data
    }

    /// Walks two lists of record sets in the canonical order `Zone` keeps them in (owner, then type)
    /// side by side, in one pass: `visit` gets each set in both lists as (old, new), one only in `old` as
    /// (old, nil), one only in `new` as (nil, new), in order.
    public static func merge(_ old: [RecordSet], _ new: [RecordSet], _ visit: (RecordSet?, RecordSet?) -> Void) {
        var (i, j) = (0, 0)
        while i < old.count || j < new.count {
            let order: Int
            if i == old.count {
                order = 1
            } else if j == new.count {
                order = -1
            } else if old[i].owner == new[j].owner {
                order = old[i].type == new[j].type ? 0 : old[i].type < new[j].type ? -1 : 1
            } else {
                order = old[i].owner < new[j].owner ? -1 : 1
            }
            switch order {
            case 0:
                visit(old[i], new[j])
                i += 1
                j += 1
            case -1:
                visit(old[i], nil)
                i += 1
            default:
                visit(nil, new[j])
                j += 1
            }
        }
    }
}

/// Byte-wise order of two keys, with `tieBreak` deciding equal ones; unsafe pointers because this runs
/// a million times when a zone of 100,000 records is sorted.
private func precedes(_ a: [UInt8], _ b: [UInt8], orSameAnd tieBreak: @autoclosure () -> Bool) -> Bool {
    a.withUnsafeBufferPointer { left in
        b.withUnsafeBufferPointer { right in
            let common = min(left.count, right.count)
            var index = 0
            while index < common {
                if left[index] != right[index] { return left[index] < right[index] }
                index += 1
            }
            return left.count == right.count ? tieBreak() : left.count < right.count
        }
    }
}
