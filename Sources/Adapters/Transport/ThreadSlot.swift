#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread key, created once: a value per thread, freed by `destructor` when the thread ends.
final class ThreadSlot: Sendable {
    let key: pthread_key_t

    init(destructor: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?) {
        var key = pthread_key_t()
        pthread_key_create(&key, destructor)
        self.key = key
    }

    /// The current thread's object of type `T`, created by `make` on first use; nil when the
    /// key cannot hold it. The slot owns one retain, released by a destructor that calls
    /// `Unmanaged<T>.fromOpaque(raw).release()`.
    func current<T: AnyObject>(_ make: () -> T) -> T? {
        if let raw = pthread_getspecific(key) { return Unmanaged<T>.fromOpaque(raw).takeUnretainedValue() }
        let object = make()
        guard pthread_setspecific(key, Unmanaged.passRetained(object).toOpaque()) == 0 else {
            Unmanaged.passUnretained(object).release()
            return nil
        }
        return object
    }
}
