import CMaxMindDB
import DNSWire
#if canImport(Glibc)
import Glibc
#endif

/// A MaxMind DB (GeoIP2/GeoLite2 Country or City, or any database with the same `continent.code` and
/// `country.iso_code` fields), opened once and memory-mapped. libmaxminddb's lookups are thread-safe on
/// an open database, so queries on every thread share it.
public final class GeoIPDatabase: @unchecked Sendable {
    /// Where a client is, as far as the database knows, and the prefix length of the network that says so.
    public struct Location: Hashable, Sendable {
        public var continent: String?
        public var country: String?
        public var prefixLength: UInt8
    }

    public struct OpenError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot open GeoIP database \(path): \(reason)" }
    }

    /// Allocated once and only read after opening: passing the pointer, not `&property`, keeps
    /// concurrent lookups free of Swift access conflicts.
    private let database: UnsafeMutablePointer<MMDB_s>
    private let isIPv6: Bool

    public init(path: String) throws {
        database = .allocate(capacity: 1)
        database.initialize(to: MMDB_s())
        let status = MMDB_open(path, UInt32(MMDB_MODE_MMAP), database)
        guard status == MMDB_SUCCESS else {
            database.deallocate()
            throw OpenError(path: path, reason: String(cString: MMDB_strerror(status)))
        }
        isIPv6 = database.pointee.metadata.ip_version == 6
    }

    deinit {
        MMDB_close(database)
        database.deallocate()
    }

    /// The location of `address`, or nil when the database has no entry for it.
    public func locate(_ address: IPAddress) -> Location? {
        var error: Int32 = 0
        var result: MMDB_lookup_result_s
        switch address {
        case .v4(let v4):
            var socket = sockaddr_in()
            socket.sin_family = sa_family_t(AF_INET)
            socket.sin_addr.s_addr = v4.value.bigEndian
            result = withUnsafePointer(to: &socket) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { MMDB_lookup_sockaddr(database, $0, &error) }
            }
        case .v6(let v6):
            var socket = sockaddr_in6()
            socket.sin6_family = sa_family_t(AF_INET6)
            withUnsafeMutableBytes(of: &socket.sin6_addr) { $0.copyBytes(from: v6.bytes) }
            result = withUnsafePointer(to: &socket) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { MMDB_lookup_sockaddr(database, $0, &error) }
            }
        }
        guard error == MMDB_SUCCESS, result.found_entry else { return nil }
        // In an IPv6 database an IPv4 address lives under ::/96, so its netmask counts those 96 bits.
        var prefix = Int(result.netmask)
        if case .v4 = address, isIPv6 { prefix -= 96 }
        return Location(continent: string(&result.entry, ["continent", "code"]),
                        country: string(&result.entry, ["country", "iso_code"]),
                        prefixLength: UInt8(clamping: max(0, prefix)))
    }

    private func string(_ entry: inout MMDB_entry_s, _ path: [String]) -> String? {
        var data = MMDB_entry_data_s()
        let cPath = path.map { strdup($0) }
        defer { cPath.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = cPath.map { UnsafePointer($0) } + [nil]
        let status = pointers.withUnsafeBufferPointer { cmmdb_get_value_path(&entry, &data, $0.baseAddress) }
        guard status == MMDB_SUCCESS, data.has_data, data.type == UInt32(MMDB_DATA_TYPE_UTF8_STRING) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: data.utf8_string, count: Int(data.data_size)), as: UTF8.self)
    }
}
