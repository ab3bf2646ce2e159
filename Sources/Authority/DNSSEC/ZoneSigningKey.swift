import Crypto
import DNSWire
import Foundation

/// A zone's combined signing key (CSK, RFC 6781 §3.1.4: one key signs the DNSKEY set and the zone), and
/// the records that publish it: DNSKEY (flags 257, zone key and secure entry point), and the DS, CDS and
/// CDNSKEY a parent takes (SHA-256 digest, RFC 4509; RFC 7344).
public struct ZoneSigningKey: Sendable {
    private enum Material: Sendable {
        case p256(P256.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    private let material: Material
    public let dnskey: DNSKEY

    /// Why a key's octets cannot be used.
    public struct InvalidKey: Error, CustomStringConvertible {
        public let description: String
    }

    /// The key of `algorithm` (13 or 15) from its private octets: the 32-octet scalar of a P-256 key, or
    /// the 32-octet seed of an Ed25519 key, as BIND's `PrivateKey:` line holds them.
    public init(algorithm: UInt8, privateKey: [UInt8]) throws(InvalidKey) {
        do {
            switch algorithm {
            case DNSSEC.ecdsaP256SHA256:
                let key = try P256.Signing.PrivateKey(rawRepresentation: privateKey)
                material = .p256(key)
                dnskey = DNSKEY(flags: 257, algorithm: algorithm, publicKey: Array(key.publicKey.rawRepresentation))
            case DNSSEC.ed25519:
                let key = try Curve25519.Signing.PrivateKey(rawRepresentation: privateKey)
                material = .ed25519(key)
                dnskey = DNSKEY(flags: 257, algorithm: algorithm, publicKey: Array(key.publicKey.rawRepresentation))
            default:
                throw InvalidKey(description: "algorithm \(algorithm) is not supported; expected 13 (ECDSAP256SHA256) or 15 (ED25519)")
            }
        } catch let error as InvalidKey {
            throw error
        } catch {
            throw InvalidKey(description: "not a private key of algorithm \(algorithm) (\(privateKey.count) octets)")
        }
    }

    /// A new key of `algorithm` (13 or 15) from the system's secure random source.
    public static func generate(algorithm: UInt8) throws(InvalidKey) -> ZoneSigningKey {
        switch algorithm {
        case DNSSEC.ed25519:
            return try ZoneSigningKey(algorithm: algorithm, privateKey: Array(Curve25519.Signing.PrivateKey().rawRepresentation))
        default:
            return try ZoneSigningKey(algorithm: algorithm, privateKey: Array(P256.Signing.PrivateKey().rawRepresentation))
        }
    }

    public var algorithm: UInt8 { dnskey.algorithm }
    public var keyTag: UInt16 { dnskey.keyTag }

    /// The private octets, as `init(algorithm:privateKey:)` takes them: only for the key file.
    public var privateKey: [UInt8] {
        switch material {
        case .p256(let key): Array(key.rawRepresentation)
        case .ed25519(let key): Array(key.rawRepresentation)
        }
    }

    /// The signature over `data`: r‖s for ECDSA (RFC 6605 §4), the 64-octet signature for Ed25519 (RFC 8080).
    public func sign(_ data: [UInt8]) -> [UInt8] {
        switch material {
        case .p256(let key):
            // Signing only fails on a key that could not have been made.
            (try? key.signature(for: data)).map { Array($0.rawRepresentation) } ?? []
        case .ed25519(let key):
            (try? key.signature(for: data)).map { Array($0) } ?? []
        }
    }

    /// The DS record of this key for zone `owner`, SHA-256 digest (RFC 4509).
    public func ds(owner: Name) -> DS {
        DS(keyTag: keyTag, algorithm: algorithm, digestType: DNSSEC.sha256,
           digest: Array(SHA256.hash(data: dnskey.digestInput(owner: owner))))
    }
}
