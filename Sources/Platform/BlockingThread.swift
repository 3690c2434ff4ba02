/// Whether provider calls made from the current thread may block it.
///
/// A server's connection thread that runs its request's task itself (and would otherwise
/// only sleep until the task is done) marks itself with ``allowing(_:)``; a transport may then
/// do a call's I/O on that thread instead of handing it to its own thread and back. On any
/// other thread (the cooperative pool above all) it is `false` and nothing changes.
public enum BlockingThread {
    /// Whether the current thread is inside ``allowing(_:)``.
    public static var isAllowed: Bool { flag.value != nil }

    /// Runs `body` with ``isAllowed`` true on this thread.
    public static func allowing<T>(_ body: () throws -> T) rethrows -> T {
        try flag.withValue(allowed, body)
    }

    private static let flag = ThreadLocal<Marker>()
    private static let allowed = Marker()

    /// What ``flag`` holds on a thread inside ``allowing(_:)``.
    private final class Marker: Sendable {}
}
