import Synchronization

/// A value shared between tasks behind a mutex (a class, so closures can capture it).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    /// Reads or changes the value under the lock.
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R {
        mutex.withLock { body(&$0) }
    }

    /// The current value.
    var value: Value { mutex.withLock { $0 } }
}
