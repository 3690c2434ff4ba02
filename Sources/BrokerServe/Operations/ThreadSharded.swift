#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization

/// A value split into shards, each behind its own lock, with each thread writing to the shard
/// its thread id hashes to; readers combine all of them.
///
/// For counters that every request updates from its own connection thread: one shared lock
/// has every thread of a busy server queue (and spin) on it, while a shard is nearly always
/// free. Writes commute (they are sums), so the split is invisible to readers.
final class ThreadSharded<Value: Sendable>: Sendable {
    private final class Shard: Sendable {
        let value: Mutex<Value>
        init(_ value: consuming Value) { self.value = Mutex(value) }
    }

    private let shards: [Shard]

    /// `count` shards (a power of two), each starting as `initial()`.
    init(count: Int = 32, _ initial: () -> Value) {
        precondition(count > 0 && count & (count - 1) == 0, "shard count must be a power of two")
        shards = (0..<count).map { _ in Shard(initial()) }
    }

    /// Updates the calling thread's shard.
    func withLock<R>(_ body: (inout sending Value) -> sending R) -> sending R {
        let id = UInt64(UInt(bitPattern: Int(bitPattern: UInt(pthread_self()))))
        // Thread ids are stack addresses: mix them, then take the high bits.
        let index = Int(truncatingIfNeeded: (id &* 0x9E37_79B9_7F4A_7C15) >> 40) & (shards.count - 1)
        return shards[index].value.withLock(body)
    }

    /// A copy of every shard.
    func snapshots() -> [Value] { shards.map { $0.value.withLock { $0 } } }
}
