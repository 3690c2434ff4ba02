/// The threads whose provider calls may block them: a value a server makes and hands to its
/// transport, never a process global.
///
/// A server's connection thread that runs its request's task itself (and would otherwise
/// only sleep until the task is done) marks itself with ``allowing(_:)``; a transport given
/// the same value may then do a call's I/O on that thread instead of handing it to its own
/// thread and back. On any other thread (the cooperative pool above all), and for a transport
/// given none, ``isAllowed`` is `false` and nothing changes.
public final class BlockingThreads: Sendable {
    private let marked = ThreadLocal<Marker>()
    private let mark = Marker()

    /// No thread marked yet.
    public init() {}

    /// Whether the current thread is inside ``allowing(_:)`` of this value.
    public var isAllowed: Bool { marked.value != nil }

    /// Runs `body` with ``isAllowed`` true on this thread.
    public func allowing<T>(_ body: () throws -> T) rethrows -> T {
        try marked.withValue(mark, body)
    }

    /// What a marked thread holds.
    private final class Marker: Sendable {}
}
