import Dispatch

/// A serial executor on a private dispatch queue.
///
/// SQLite calls block while they wait out another process's lock (the busy timeout).
/// Running the store's actor on its own queue keeps those waits off Swift's small
/// cooperative thread pool (two threads on a two-core machine).
final class SerialQueueExecutor: SerialExecutor, @unchecked Sendable {
    // @unchecked: the only state is an immutable reference to a thread-safe queue.
    private let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label) }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { unowned.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }
}
