#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A dedicated OS thread for one plugin run, so that its blocking `poll` loop never
/// occupies a Swift concurrency thread (C_INTEROP_NOTES.md).
enum PluginThread {
    /// Starts `body` on a new detached thread; `false` when no thread could be created.
    static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue().body()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}

/// The closure a ``PluginThread`` runs.
private final class ThreadBody {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}

/// Set by the caller (a cancelled task, a dropped stream) to stop a plugin run early.
final class PluginCancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    /// A flag that is not set.
    init() {}

    /// Asks the run to stop; the plugin is terminated.
    func cancel() { flag.store(true, ordering: .relaxed) }

    /// Whether ``cancel()`` was called.
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
