#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value read by every request and changed rarely, behind a reader-writer lock.
///
/// `Mutex` makes readers exclude one another: on a busy two-core server, a reader that is
/// preempted inside the lock leaves every other connection thread spinning on it. Readers
/// here only share the lock, so they never wait for one another.
public final class ReadMostlyLock<Value>: @unchecked Sendable {
    // Guarded by `lock`: read under the read lock, changed under the write lock.
    private var value: Value
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    /// A lock around `value`.
    public init(_ value: Value) {
        self.value = value
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deinitialize(count: 1)
        lock.deallocate()
    }

    /// Reads the value; other readers may read at the same time.
    public func read<R>(_ body: (Value) throws -> R) rethrows -> R {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body(value)
    }

    /// Changes the value, alone.
    public func write<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body(&value)
    }
}
