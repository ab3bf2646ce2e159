@testable import DNSWire

/// Bytes from hex text; spaces and newlines are ignored so captures can be laid out readably.
func hex(_ text: String) -> [UInt8] {
    let digits = text.utf8.filter { !($0 == 32 || $0 == 10) }
    precondition(digits.count % 2 == 0, "odd number of hex digits")
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(hexValue(digits[$0])! << 4 | hexValue(digits[$0 + 1])!) }
}

func name(_ text: String) -> Name {
    try! Name(text)
}

/// A record from one zone-file line, as test tables write expected sections.
func rr(_ line: String) -> ResourceRecord {
    try! ResourceRecord(zoneLine: line)
}

/// The error a throwing call raised, or nil when it did not throw.
func wireError<T>(_ body: () throws(DNSWireError) -> T) -> DNSWireError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

func presentationError<T>(_ body: () throws(PresentationError) -> T) -> String? {
    do {
        _ = try body()
        return nil
    } catch {
        return error.message
    }
}
