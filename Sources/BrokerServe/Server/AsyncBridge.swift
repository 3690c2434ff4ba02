import Dispatch
import HTTPServer
import Platform
import Synchronization

/// Runs async work from a libmicrohttpd connection thread and blocks that thread until it
/// finishes. The connection thread is not a Swift concurrency thread, so blocking it starves
/// nothing; the work runs on that same thread (see ``WaitingThreadExecutor``), except where
/// it hops to an actor or a transport thread and back.
enum AsyncBridge {
    /// The value `work` returns; the waiting thread is one of `blockingThreads` meanwhile.
    /// `work` is cancelled when `hangUp` fires (its client has gone), as an event loop cancels
    /// the task of a client that has.
    static func wait<T: Sendable>(
        marking blockingThreads: BlockingThreads, hangUp: ClientHangUp? = nil, _ work: @escaping @Sendable () async -> T
    ) -> T? {
        let box = Box<T>()
        let executor = WaitingThreadExecutor(blockingThreads: blockingThreads)
        let task = Task(executorPreference: executor) {
            box.set(await work())
            executor.finish()
        }
        hangUp?.onHangUp { task.cancel() }
        executor.drain()
        return box.take()
    }

    /// Holds one value handed from a task to a waiting thread.
    final class Box<T: Sendable>: Sendable {
        private let value = Mutex<T?>(nil)
        func set(_ new: T) { value.withLock { $0 = new } }
        func take() -> T? { value.withLock { $0 } }
    }
}
