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
    private let tag: UInt64
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
        self.tag = UInt64(tag)
        self.key = key
        self.now = now
    }

    /// The next id.
    public func next() -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        let ms = UInt64(clamping: max(0, now())) & 0xFFFF_FFFF_FFFF
        let mixed = Self.mix(n ^ key)
        // Written in place: one allocation per id (String(radix:) and concatenation made five).
        return String(unsafeUninitializedCapacity: 36) { out in
            let digits: StaticString = "0123456789abcdef"
            func put(_ value: UInt64, count: Int, at start: Int) {
                for i in 0..<count {
                    let nibble = Int((value >> UInt64(4 * (count - 1 - i))) & 0xF)
                    out[start + i] = digits.utf8Start[nibble]
                }
            }
            out[0] = UInt8(ascii: "r")
            out[1] = UInt8(ascii: "e")
            out[2] = UInt8(ascii: "q")
            out[3] = UInt8(ascii: "_")
            put(ms, count: 12, at: 4)
            put(tag, count: 4, at: 16)
            put(mixed, count: 16, at: 20)
            return 36
        }
    }

    /// A bijection of 64-bit values: distinct inputs give distinct outputs.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The ids of this process.
    public static let shared = RequestIDs()
}
