#if canImport(Glibc)
    import Glibc
    import CEpoll
#endif

/// A thread of the operating system's own, never a Swift concurrency thread: the one way the
/// broker starts one, for work that blocks or loops for as long as its owner lives (an event
/// loop, the transport's curl loop, a plugin run).
public struct PlatformThread: Sendable {
    private let handle: pthread_t

    private init(handle: pthread_t) { self.handle = handle }

    /// Starts `body` on a new thread named `name` (as `top -H` and `perf` show it; 15 bytes at
    /// most are kept), to be waited for with ``join()``.
    /// - Returns: nil when the system refuses a thread.
    public static func start(name: String, _ body: sending @escaping () -> Void) -> PlatformThread? {
        create(name: name, body).map(PlatformThread.init(handle:))
    }

    /// Starts `body` on a new thread named `name` that nobody waits for.
    /// - Returns: false when the system refuses a thread.
    public static func detach(name: String, _ body: sending @escaping () -> Void) -> Bool {
        guard let handle = create(name: name, body) else { return false }
        pthread_detach(handle)
        return true
    }

    /// Waits for the thread to end (once; not from the thread itself).
    public func join() { pthread_join(handle, nil) }

    private static func create(name: String, _ body: sending @escaping () -> Void) -> pthread_t? {
        let start = ThreadStart(name: String(name.utf8.prefix(15)) ?? "thread", body: body)
        let argument = Unmanaged.passRetained(start).toOpaque()
        var handle = pthread_t()
        let created = pthread_create(
            &handle, nil,
            { argument in
                guard let argument else { return nil }
                let start = Unmanaged<ThreadStart>.fromOpaque(argument).takeRetainedValue()
                shim_set_thread_name(start.name)
                start.body()
                return nil
            }, argument)
        guard created == 0 else {
            Unmanaged<ThreadStart>.fromOpaque(argument).release()
            return nil
        }
        return handle
    }
}

/// What a new thread runs, handed over through `pthread_create`'s one pointer.
private final class ThreadStart {
    let name: String
    let body: () -> Void

    init(name: String, body: @escaping () -> Void) {
        self.name = name
        self.body = body
    }
}
