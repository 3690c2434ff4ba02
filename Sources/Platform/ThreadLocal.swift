#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value per thread (a pthread key, created once): the one thread-local scheme of the broker.
///
/// Each thread's value is held strongly and released when it is replaced or the thread ends.
/// Reading is one `pthread_getspecific`: cheap enough for a per-request hot path.
public final class ThreadLocal<Value: AnyObject>: Sendable {
    /// Nil when the system had no key left (`PTHREAD_KEYS_MAX`): then no thread has a value.
    private let key: pthread_key_t?

    /// A key with no value on any thread. Keys are few (1,024 a process): make one per use,
    /// as a `static let`, not one per object.
    public init() {
        var key = pthread_key_t()
        self.key = pthread_key_create(&key, releaseThreadValue) == 0 ? key : nil
    }

    deinit {
        // Values still held by running threads are not released (a key's destructor runs only
        // while the key exists): one more reason to keep keys for the life of the process.
        if let key { pthread_key_delete(key) }
    }

    /// The calling thread's value, if any.
    public var value: Value? {
        guard let key, let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<Value>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Sets (or, with nil, clears) the calling thread's value.
    public func set(_ value: Value?) {
        guard let key else { return }
        let old = pthread_getspecific(key)
        let new = value.map { Unmanaged.passUnretained($0).toOpaque() }
        guard old != new else { return }
        if let value { _ = Unmanaged.passRetained(value) }
        guard pthread_setspecific(key, new) == 0 else {
            if let value { Unmanaged.passUnretained(value).release() }
            return
        }
        if let old { Unmanaged<AnyObject>.fromOpaque(old).release() }
    }

    /// The calling thread's value, made by `make` and kept on first use; nil when `make` makes
    /// none or the system cannot keep it.
    public func value(orMake make: () -> Value?) -> Value? {
        if let found = value { return found }
        guard let made = make() else { return nil }
        set(made)
        return value === made ? made : nil
    }

    /// Runs `body` with the calling thread's value set to `value`, then puts back what was there.
    public func withValue<T>(_ value: Value?, _ body: () throws -> T) rethrows -> T {
        let outer = self.value
        set(value)
        defer { set(outer) }
        return try body()
    }
}

/// Releases a thread's value when the thread ends (any class: releasing needs no type).
private func releaseThreadValue(_ raw: UnsafeMutableRawPointer?) {
    if let raw { Unmanaged<AnyObject>.fromOpaque(raw).release() }
}
