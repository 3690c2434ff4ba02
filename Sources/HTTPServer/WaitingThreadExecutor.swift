import Dispatch
import Platform
import Synchronization

/// A task executor that runs one request's task on the connection thread waiting for it (the
/// thread-per-connection and pool models): the thread calls ``drain(until:stop:onStop:)`` and
/// runs the task's jobs itself until what it waits for is there — the handler's response, then
/// each chunk of a streamed body.
///
/// Without it, a request would hop from the connection thread to the cooperative pool and back
/// (two thread wake-ups per request, plus one per resumption), which on a two-core machine is
/// most of what a server adds. With it, the only wake-up left is each resumption from another
/// thread (a provider's answer, a streamed chunk): that thread hands the job straight to this one.
///
/// Jobs that arrive after ``close()`` (the task has finished, or its connection is gone) are
/// passed on to the global concurrent executor, so nothing is ever left unrun.
final class WaitingThreadExecutor: TaskExecutor {
    private struct State {
        /// Queued jobs from ``head`` on; the buffer is kept (emptied, not freed) while the
        /// executor lives, so a request's later resumptions allocate nothing.
        var jobs: [UnownedJob] = []
        var head = 0
        /// The draining thread is asleep on ``wakeup`` (set by it, cleared by the one that wakes it).
        var sleeping = false
        /// The task has finished: drain what is queued, then close.
        var finished = false
        /// Late jobs go to the global executor.
        var closed = false
    }

    private let state = Mutex(State())
    /// The draining thread is one of these while it runs jobs (a transport may then block it).
    private let blockingThreads: BlockingThreads?
    private let wakeup = DispatchSemaphore(value: 0)

    /// An executor whose draining thread is one of `blockingThreads` while it runs jobs.
    init(blockingThreads: BlockingThreads?) { self.blockingThreads = blockingThreads }

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

    /// Wakes the draining thread to look at its condition again (from any thread).
    func poke() {
        let wake = state.withLock { s -> Bool in
            defer { s.sleeping = false }
            return s.sleeping
        }
        if wake { wakeup.signal() }
    }

    /// Nobody will drain again (the connection is done): queued and later jobs go to the global
    /// executor, where the task (cancelled by then) finishes.
    func close() {
        let left = state.withLock { s -> ArraySlice<UnownedJob> in
            s.closed = true
            defer {
                s.jobs.removeAll()
                s.head = 0
            }
            return s.jobs[s.head...]
        }
        for job in left { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
    }

    /// What the draining thread does next.
    private enum Step {
        case run(UnownedJob)
        case sleep
        case done
    }

    /// Runs queued jobs on the calling thread, sleeping when there are none, until `done` holds
    /// (looked at before each job and after each ``poke()``), or the task has finished and the
    /// queue is empty (then the executor closes). When `stop` fires meanwhile, calls `onStop`
    /// once (looked at every 100 ms while asleep) and goes on draining.
    func drain(until done: () -> Bool, stop: StopSignal? = nil, onStop: () -> Void = {}) {
        let me = asUnownedTaskExecutor()
        var stopped = false
        while true {
            // `done` is looked at under the lock that a poke takes: a poke never falls between
            // the look and the sleep.
            let step = state.withLock { s -> Step in
                if done() { return .done }
                if s.head < s.jobs.count {
                    let job = s.jobs[s.head]
                    s.head += 1
                    if s.head == s.jobs.count {
                        s.jobs.removeAll(keepingCapacity: true)
                        s.head = 0
                    }
                    return .run(job)
                }
                if s.finished {
                    s.closed = true
                    return .done
                }
                s.sleeping = true
                return .sleep
            }
            switch step {
            case .done:
                return
            case .run(let job):
                if let blockingThreads {
                    // This thread only waits for the task: a transport may block it (see BlockingThreads).
                    blockingThreads.allowing { job.runSynchronously(on: me) }
                } else {
                    job.runSynchronously(on: me)
                }
            case .sleep:
                guard let stop else {
                    wakeup.wait()
                    continue
                }
                if !stopped, stop.isFired {
                    stopped = true
                    onStop()
                }
                _ = wakeup.wait(timeout: .now() + .milliseconds(100))
            }
        }
    }
}
