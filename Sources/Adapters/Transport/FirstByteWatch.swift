/// The first-byte timeout of transfers run by a loop (the transport's own loop thread or an
/// event loop's driver): which are overdue, and how long the loop may sleep before looking again.
enum FirstByteWatch {
    /// The transfers of `active` that got no byte before their deadline, and the milliseconds
    /// until the next deadline (at most 1,000; nil when no transfer is waiting for a first byte).
    static func check(
        _ active: [UnsafeMutableRawPointer: CurlTransfer], now: UInt64
    ) -> (expired: [(easy: UnsafeMutableRawPointer, transfer: CurlTransfer)], waitMs: Int32?) {
        var earliest = UInt64.max
        var expired: [(easy: UnsafeMutableRawPointer, transfer: CurlTransfer)] = []
        for (easy, transfer) in active where !transfer.sawFirstByte {
            if transfer.firstByteDeadline <= now {
                expired.append((easy, transfer))
            } else {
                earliest = min(earliest, transfer.firstByteDeadline)
            }
        }
        guard earliest != .max else { return (expired, nil) }
        return (expired, Int32(min(1_000, (earliest - now + 999_999) / 1_000_000)))
    }

    /// The error of a transfer whose first byte did not come in time.
    static func timeout(_ transfer: CurlTransfer) -> TransportError {
        TransportError(.firstByteTimeout, "\(transfer.hop.context): no response within \(transfer.hop.firstByteMs) ms")
    }
}
