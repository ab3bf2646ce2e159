/// A transaction signature (TSIG, RFC 8945): the last record of a signed message.
///
/// DNSWire builds and reads the record and assembles the exact octets that are MACed; computing the
/// MAC (HMAC-SHA256) is the caller's, so this module stays free of dependencies.
public struct TSIGRecord: Hashable, Sendable {
    public var keyName: Name
    public var algorithm: Name
    /// Seconds since 1970, 48 bits on the wire.
    public var timeSigned: UInt64
    /// Permitted clock difference in seconds (300 is what BIND sends).
    public var fudge: UInt16
    public var mac: [UInt8]
    public var originalID: UInt16
    /// BADSIG (16), BADKEY (17), BADTIME (18) or BADTRUNC (22); 0 when fine.
    public var error: RCode
    public var otherData: [UInt8]

    public init(keyName: Name, algorithm: Name, timeSigned: UInt64, fudge: UInt16 = 300, mac: [UInt8] = [],
                originalID: UInt16, error: RCode = .noError, otherData: [UInt8] = []) {
        self.keyName = keyName
        self.algorithm = algorithm
        self.timeSigned = timeSigned
        self.fudge = fudge
        self.mac = mac
        self.originalID = originalID
        self.error = error
        self.otherData = otherData
    }

    /// Reads a TSIG record from its owner and RDATA; nil when the RDATA is malformed.
    public init?(keyName: Name, rdata: [UInt8]) {
        let result = rdata.withUnsafeBytes { bytes in
            Result { () throws(DNSWireError) -> TSIGRecord in
                var reader = WireReader(bytes)
                let algorithm = try reader.readName()
                let time = UInt64(try reader.readUInt16()) << 32 | UInt64(try reader.readUInt32())
                let fudge = try reader.readUInt16()
                let mac = try reader.readBytes(Int(try reader.readUInt16()))
                let originalID = try reader.readUInt16()
                let error = RCode(try reader.readUInt16())
                let other = try reader.readBytes(Int(try reader.readUInt16()))
                guard reader.remaining == 0 else { throw .trailingBytes(at: reader.offset) }
                return TSIGRecord(keyName: keyName, algorithm: algorithm, timeSigned: time, fudge: fudge, mac: mac,
                                  originalID: originalID, error: error, otherData: other)
            }
        }
        guard case .success(let record) = result else { return nil }
        self = record
    }

    /// The record's RDATA (RFC 8945 §4.2), names uncompressed in canonical form.
    public var rdata: [UInt8] {
        var writer = WireWriter(capacity: 64 + mac.count)
        writer.writeName(algorithm.lowercased(), compress: false)
        writer.writeUInt16(UInt16(truncatingIfNeeded: timeSigned >> 32))
        writer.writeUInt32(UInt32(truncatingIfNeeded: timeSigned))
        writer.writeUInt16(fudge)
        writer.writeUInt16(UInt16(mac.count))
        writer.writeBytes(mac)
        writer.writeUInt16(originalID)
        writer.writeUInt16(error.rawValue)
        writer.writeUInt16(UInt16(otherData.count))
        writer.writeBytes(otherData)
        return writer.bytes
    }

    /// The TSIG variables that follow the message in the MACed data (RFC 8945 §4.3.3), or only the
    /// timers (§4.3.1) for the second and later messages of a multi-message response.
    public func variables(timersOnly: Bool) -> [UInt8] {
        var writer = WireWriter(capacity: 64)
        if !timersOnly {
            writer.writeName(keyName.lowercased(), compress: false)
            writer.writeUInt16(RRClass.any.rawValue)
            writer.writeUInt32(0)
            writer.writeName(algorithm.lowercased(), compress: false)
        }
        writer.writeUInt16(UInt16(truncatingIfNeeded: timeSigned >> 32))
        writer.writeUInt32(UInt32(truncatingIfNeeded: timeSigned))
        writer.writeUInt16(fudge)
        if !timersOnly {
            writer.writeUInt16(error.rawValue)
            writer.writeUInt16(UInt16(otherData.count))
            writer.writeBytes(otherData)
        }
        return writer.bytes
    }
}

/// The MAC algorithms a TSIG key may use (RFC 8945 §6): HMAC-SHA256 is what every current server
/// offers, HMAC-SHA512 the stronger choice, HMAC-SHA1 only for old peers.
public enum TSIGAlgorithm: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case hmacSHA256 = "hmac-sha256"
    case hmacSHA512 = "hmac-sha512"
    case hmacSHA1 = "hmac-sha1"

    /// The algorithm's name as TSIG records carry it.
    public var name: Name {
        switch self {
        case .hmacSHA256: TSIG.hmacSHA256
        case .hmacSHA512: TSIG.hmacSHA512
        case .hmacSHA1: TSIG.hmacSHA1
        }
    }

    /// Octets of MAC the algorithm produces.
    public var macLength: Int {
        switch self {
        case .hmacSHA256: 32
        case .hmacSHA512: 64
        case .hmacSHA1: 20
        }
    }

    /// The algorithm a TSIG record names, or nil for one not offered here.
    public init?(name: Name) {
        guard let algorithm = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = algorithm
    }

    public var description: String { rawValue }
}

/// Helpers for signing and verifying messages with TSIG (RFC 8945 §4.3, §5).
public enum TSIG {
    public static let hmacSHA256 = try! Name("hmac-sha256.")
    public static let hmacSHA512 = try! Name("hmac-sha512.")
    public static let hmacSHA1 = try! Name("hmac-sha1.")

    /// Splits a signed message into the octets its MAC covers (the message as sent, without the TSIG
    /// record, ARCOUNT one less and the ID set back to the original) and the TSIG record. Nil when the
    /// message does not parse or its last record is not a TSIG record.
    public static func split(_ bytes: [UInt8]) -> (message: [UInt8], record: TSIGRecord)? {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(DNSWireError) -> (Int, Name, [UInt8])? in
                var reader = WireReader(buffer, offset: 4)
                let questions = Int(try reader.readUInt16())
                let records = Int(try reader.readUInt16()) + Int(try reader.readUInt16()) + Int(try reader.readUInt16())
                guard records > 0 else { return nil }
                for _ in 0..<questions {
                    _ = try reader.readName()
                    try reader.require(4)
                    reader.offset += 4
                }
                var start = 0
                var owner = Name.root
                var type: UInt16 = 0
                var rdata: [UInt8] = []
                for _ in 0..<records {
                    start = reader.offset
                    owner = try reader.readName()
                    type = try reader.readUInt16()
                    try reader.require(6)
                    reader.offset += 6
                    rdata = try reader.readBytes(Int(try reader.readUInt16()))
                }
                guard type == RRType.tsig.rawValue, reader.remaining == 0 else { return nil }
                return (start, owner, rdata)
            }
        }
        guard case .success(let found?) = result, let record = TSIGRecord(keyName: found.1, rdata: found.2) else { return nil }
        var message = Array(bytes[..<found.0])
        let additional = UInt16(message[10]) << 8 | UInt16(message[11])
        guard additional > 0 else { return nil }
        message[10] = UInt8((additional - 1) >> 8)
        message[11] = UInt8((additional - 1) & 0xFF)
        message[0] = UInt8(record.originalID >> 8)
        message[1] = UInt8(record.originalID & 0xFF)
        return (message, record)
    }

    /// The octets MACed for a request: the message, then the TSIG variables.
    public static func requestData(message: [UInt8], record: TSIGRecord) -> [UInt8] {
        message + record.variables(timersOnly: false)
    }

    /// The octets MACed for a response: the prior MAC (the request's, or the previous message's in a
    /// multi-message response) with its length, the message, then the variables or only the timers.
    public static func responseData(priorMAC: [UInt8], message: [UInt8], record: TSIGRecord, timersOnly: Bool) -> [UInt8] {
        [UInt8(priorMAC.count >> 8), UInt8(priorMAC.count & 0xFF)] + priorMAC + message + record.variables(timersOnly: timersOnly)
    }

    /// `message` with `record` appended as the last additional record and ARCOUNT one more.
    public static func appending(_ record: TSIGRecord, to message: [UInt8]) -> [UInt8] {
        var writer = WireWriter(capacity: message.count + 80 + record.mac.count)
        writer.writeBytes(message)
        writer.writeName(record.keyName.lowercased(), compress: false)
        writer.writeUInt16(RRType.tsig.rawValue)
        writer.writeUInt16(RRClass.any.rawValue)
        writer.writeUInt32(0)
        let rdata = record.rdata
        writer.writeUInt16(UInt16(rdata.count))
        writer.writeBytes(rdata)
        let additional = (UInt16(message[10]) << 8 | UInt16(message[11])) + 1
        writer.patchUInt16(additional, at: 10)
        return writer.bytes
    }
}
