import Dispatch
import Platform
import ProviderInterface
import Synchronization

/// A task executor that runs one request's task on the thread waiting for it: the
/// libmicrohttpd connection thread calls ``drain()`` and runs the task's jobs itself until
/// the task has finished.
///
/// Without it, a request hops from the connection thread to the cooperative pool and back
/// (two thread wake-ups per request, plus one per resumption), which on a two-core machine
/// is most of what the broker adds. With it, the only wake-up left is the resumption after
/// the provider call (the transport's loop thread hands the job straight to this thread).
///
/// Jobs that arrive after the task has finished (an actor's processing job that picked this
/// executor up from the task) are passed on to the global concurrent executor, so nothing
/// is ever left unrun.
final class WaitingThreadExecutor: TaskExecutor {
    private struct State {
        var jobs: [UnownedJob] = []
        /// The draining thread is asleep on ``wakeup`` (set by it, cleared by the enqueuer that wakes it).
        var sleeping = false
        /// The task has finished: drain what is queued, then stop.
        var finished = false
        /// ``drain()`` has returned: late jobs go to the global executor.
        var closed = false
    }

    private let state = Mutex(State())
    /// The draining thread marks itself here while it runs jobs.
    private let blockingThreads: BlockingThreads
    private let wakeup = DispatchSemaphore(value: 0)

    /// An executor whose draining thread is one of `blockingThreads` while it runs jobs.
    init(blockingThreads: BlockingThreads) { self.blockingThreads = blockingThreads }

    /// Queues `job` for the draining thread (from any thread).
    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let (accepted, wake) = state.withLock { s -> (Bool, Bool) in
            guard !s.closed else { return (false, false) }
            s.jobs.append(unowned)
            defer { s.sleeping = false }
            return (true, s.sleeping)
        }
        if !accepted {
            globalConcurrentExecutor.enqueue(ExecutorJob(unowned))
        } else if wake {
            wakeup.signal()
        }
    }

    /// Marks the task finished; called by the task itself as its last step.
    func finish() { state.withLock { $0.finished = true } }

    /// Runs queued jobs on the calling thread, sleeping when there are none, until
    /// ``finish()`` has been called and the queue is empty.
    func drain() {
        let me = asUnownedTaskExecutor()
        var batch: [UnownedJob] = []
        while true {
            let more = state.withLock { s -> Bool in
                if !s.jobs.isEmpty {
                    swap(&batch, &s.jobs)
                    return true
                }
                if s.finished {
                    s.closed = true
                    return false
                }
                s.sleeping = true
                return true
            }
            guard more else { return }
            if batch.isEmpty {
                wakeup.wait()
                continue
            }
            // This thread only waits for the task: a transport may block it (see BlockingThreads).
            blockingThreads.allowing {
                for job in batch { job.runSynchronously(on: me) }
            }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
