#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether provider calls made from the current thread may block it.
///
/// A server's connection thread that runs its request's task itself (and would otherwise
/// only sleep until the task is done) marks itself with ``allowing(_:)``; a transport may then
/// do a call's I/O on that thread instead of handing it to its own thread and back. On any
/// other thread (the cooperative pool above all) it is `false` and nothing changes.
public enum BlockingThread {
    /// Whether the current thread is inside ``allowing(_:)``.
    public static var isAllowed: Bool { pthread_getspecific(flag.key) != nil }

    /// Runs `body` with ``isAllowed`` true on this thread.
    public static func allowing<T>(_ body: () throws -> T) rethrows -> T {
        let outer = pthread_getspecific(flag.key)
        pthread_setspecific(flag.key, UnsafeRawPointer(bitPattern: 1))
        defer { pthread_setspecific(flag.key, outer) }
        return try body()
    }

    private static let flag = Key()

    /// A pthread key, created once.
    private final class Key: Sendable {
        let key: pthread_key_t
        init() {
            var key = pthread_key_t()
            pthread_key_create(&key, nil)
            self.key = key
        }
    }
}
