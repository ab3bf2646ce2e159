/// SOA serial numbers: compared in RFC 1982 serial arithmetic, allocated from the clock.
public enum SerialNumber {
    /// The serial for a changed zone: the current unix time, or one more than the previous serial when
    /// the clock has not moved past it (several changes in one second, or a clock set back), so the
    /// serial always increases in RFC 1982 terms and secondaries always see the change.
    ///
    /// Across restarts the clock carries it forward as long as changes average under one per second;
    /// persisting the last serial with each zone version would close that gap.
    public static func next(after previous: UInt32?, now: UInt32) -> UInt32 {
        guard let previous else { return now }
        return isGreater(now, than: previous) ? now : previous &+ 1
    }

    /// `a > b` in serial number arithmetic (RFC 1982 §3.2): true when a is ahead of b by less than 2^31.
    public static func isGreater(_ a: UInt32, than b: UInt32) -> Bool {
        a != b && (a &- b) < 0x8000_0000
    }
}
