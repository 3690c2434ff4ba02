import Synchronization

/// Request ids for the ledger: `req_` and 32 hex digits, unique without a system call each,
/// and in time order.
///
/// The digits are the time in milliseconds (12), a random tag per process (4), and a counter
/// passed through a keyed bijection (16, the SplitMix64 finaliser). Ids never repeat within
/// a process, two processes writing one ledger practically never collide (tag, key and time
/// would all have to match), and the ids do not read as a count of the requests served.
/// Being in time order, each new id lands at the end of the ledger's unique index instead of
/// at a random page of it, so a group commit rewrites a few pages rather than one per row.
/// (Reading the system's generator for each id cost two system calls per request.)
public final class RequestIDs: Sendable {
    private let tag: String
    private let key: UInt64
    private let now: @Sendable () -> Int64
    private let counter = Atomic<UInt64>(0)

    /// Ids with a random tag and key, stamped with the wall clock.
    public convenience init() {
        var generator = SystemRandomNumberGenerator()
        self.init(tag: UInt16.random(in: 0...UInt16.max, using: &generator), key: generator.next())
    }

    /// Ids with the given tag and key, stamped by `now` (Unix milliseconds; tests inject it).
    public init(tag: UInt16, key: UInt64, now: @escaping @Sendable () -> Int64 = { Timestamp.nowMs() }) {
        self.tag = Self.hex(UInt64(tag), digits: 4)
        self.key = key
        self.now = now
    }

    /// The next id.
    public func next() -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        let ms = UInt64(clamping: max(0, now())) & 0xFFFF_FFFF_FFFF
        return "req_" + Self.hex(ms, digits: 12) + tag + Self.hex(Self.mix(n ^ key), digits: 16)
    }

    /// A bijection of 64-bit values: distinct inputs give distinct outputs.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `value` in lowercase hex, zero-padded to `digits`.
    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// The ids of this process.
    public static let shared = RequestIDs()
}
