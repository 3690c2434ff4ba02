import Dispatch
import Synchronization

/// Runs async work from a libmicrohttpd connection thread and blocks that thread until it
/// finishes. The connection thread is not a Swift concurrency thread, so blocking it starves
/// nothing; the work itself runs on the cooperative pool.
enum AsyncBridge {
    /// The value `work` returns.
    static func wait<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T? {
        let box = Box<T>()
        let semaphore = DispatchSemaphore(value: 0)
        Task {
            box.set(await work())
            semaphore.signal()
        }
        semaphore.wait()
        return box.take()
    }

    /// Holds one value handed from a task to a waiting thread.
    final class Box<T: Sendable>: Sendable {
        private let value = Mutex<T?>(nil)
        func set(_ new: T) { value.withLock { $0 = new } }
        func take() -> T? { value.withLock { $0 } }
    }
}
