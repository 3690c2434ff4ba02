import Synchronization

/// Request ids for the ledger: `req_` and 32 hex digits, unique without a system call each.
///
/// The first 64 bits are random per process; the last 64 are a counter passed through a
/// keyed bijection (the SplitMix64 finaliser), so ids never repeat within a process, two
/// processes writing one ledger do not collide, and the ids do not read as a count of the
/// requests served. Reading the system's generator twice per request cost two system calls.
final class RequestIDs: Sendable {
    private let prefix: String
    private let key: UInt64
    private let counter = Atomic<UInt64>(0)

    /// Ids with a random prefix and key.
    convenience init() {
        var generator = SystemRandomNumberGenerator()
        self.init(prefix: generator.next(), key: generator.next())
    }

    /// Ids with the given prefix and key (tests).
    init(prefix: UInt64, key: UInt64) {
        self.prefix = "req_" + Self.hex(prefix)
        self.key = key
    }

    /// The next id.
    func next() -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        return prefix + Self.hex(Self.mix(n ^ key))
    }

    /// A bijection of 64-bit values: distinct inputs give distinct outputs.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Sixteen lowercase hex digits.
    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The ids of this process.
    static let shared = RequestIDs()
}
