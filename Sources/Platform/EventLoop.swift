#if canImport(Glibc)
    import Glibc
    import CEpoll
#endif
import Synchronization

/// One thread that waits on file descriptors and timers (epoll) and runs, on that same
/// thread, the Swift jobs and closures posted to it: a reactor and a task executor in one.
///
/// A server on loops runs each request's task with this loop as its executor preference, and
/// the transport joins the loop's epoll with its sockets, so a request goes from the client's
/// bytes to the upstream's answer and back without changing threads (see `HTTPServer`'s
/// `eventLoops` model and the transport's loop driver).
///
/// - ``watch(_:events:_:)``, ``unwatch(_:)`` and ``addTicker(_:)`` are for the loop's own
///   thread (or before ``start(name:)``).
/// - ``execute(_:)`` and ``enqueue(_:)`` may be called from any thread.
/// - Jobs that arrive after the loop has ended go to the global concurrent executor, so a task
///   that outlives its loop still finishes.
public final class EventLoop: TaskExecutor, @unchecked Sendable {
    /// The epoll flag for "readable" (or hung up), for ``watch(_:events:_:)``.
    public static let readable = EPOLLIN.rawValue
    /// The epoll flag for "writable".
    public static let writable = EPOLLOUT.rawValue

    /// Called with the epoll events of a watched descriptor.
    public typealias Handler = (UInt32) -> Void
    /// Called before each wait: does due timer work and returns how many milliseconds the loop
    /// may wait at most (negative: no limit).
    public typealias Ticker = () -> Int

    private struct Inbox {
        var jobs: [UnownedJob] = []
        var closures: [@Sendable () -> Void] = []
        /// The loop thread is (about to be) blocked in `epoll_wait`: an enqueuer must write the eventfd.
        var sleeping = false
        var stopping = false
        /// The thread has ended: jobs go to the global executor, closures are dropped.
        var closed = false
    }

    private let inbox = Mutex(Inbox())
    private let epollFD: Int32
    private let wakeFD: Int32
    // Loop-thread state.
    private var watchers: [Int32: (events: UInt32, handler: Handler)] = [:]
    private var tickers: [Ticker] = []
    private var stopHooks: [() -> Void] = []
    private var attachments: [ObjectIdentifier: AnyObject] = [:]
    /// The loop has left its loop and runs its stop hooks and last jobs: nothing new may join it.
    private var winding = false
    private var thread: PlatformThread?

    /// Called instead of blocking when the loop is about to wait: spins on `ready` (a
    /// non-blocking check) and returns whether it became true (see `BusyPoll`). Set before
    /// ``start(name:)``; nil blocks at once.
    public var spinBeforeWait: (@Sendable (_ ready: () -> Bool) -> Bool)?

    /// A loop, not yet running; nil when the system refuses an epoll or event descriptor.
    public init?() {
        let epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { return nil }
        let wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            close(epollFD)
            return nil
        }
        self.epollFD = epollFD
        self.wakeFD = wakeFD
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: wakeFD))
        epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
    }

    deinit {
        close(epollFD)
        close(wakeFD)
    }

    /// The loop running on the calling thread, if any.
    public static var current: EventLoop? {
        loops.value
    }

    /// Whether the caller is on this loop's thread.
    public var inLoop: Bool { EventLoop.current === self }

    // MARK: Loop-thread API

    /// Calls `handler` on the loop thread whenever `fd` has any of `events` (level-triggered
    /// epoll flags: ``readable``, ``writable``); replaces an earlier watch of `fd`. Watching a
    /// descriptor again with the same events only swaps the handler (no system call).
    ///
    /// A descriptor closed while watched leaves the epoll set by itself; watching a new one that
    /// got the same number works.
    public func watch(_ fd: Int32, events: UInt32, _ handler: @escaping Handler) {
        let previous = watchers.updateValue((events, handler), forKey: fd)
        if let previous, previous.events == events { return }
        var event = epoll_event(events: events, data: epoll_data_t(fd: fd))
        if previous == nil {
            if epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) != 0, errno == EEXIST {
                epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
            }
        } else if epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event) != 0, errno == ENOENT {
            epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
        }
    }

    /// Stops watching `fd` (call before closing it).
    public func unwatch(_ fd: Int32) {
        guard watchers.removeValue(forKey: fd) != nil else { return }
        epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
    }

    /// Adds a ticker, called before every wait for as long as the loop runs.
    public func addTicker(_ tick: @escaping Ticker) { tickers.append(tick) }

    /// Runs `hook` on the loop thread when the loop stops, before it ends (in the order added).
    public func onStop(_ hook: @escaping () -> Void) { stopHooks.append(hook) }

    /// A per-loop object of type `T` (a transport's driver, say), created by `make` on first use.
    /// Once the loop is stopping none is created (nil): its stop hooks have run, so a newcomer's
    /// would not, and nothing would drive it.
    public func attachment<T: AnyObject>(_ type: T.Type, make: () -> T?) -> T? {
        if let found = attachments[ObjectIdentifier(type)] as? T { return found }
        guard !winding, let made = make() else { return nil }
        attachments[ObjectIdentifier(type)] = made
        return made
    }

    // MARK: Any thread

    /// Runs `closure` on the loop thread, soon.
    /// - Returns: false, and drops `closure`, when the loop has ended.
    @discardableResult
    public func execute(_ closure: @escaping @Sendable () -> Void) -> Bool {
        let (accepted, wake) = inbox.withLock { inbox -> (Bool, Bool) in
            guard !inbox.closed else { return (false, false) }
            inbox.closures.append(closure)
            defer { inbox.sleeping = false }
            return (true, inbox.sleeping)
        }
        if wake { signal() }
        return accepted
    }

    /// Queues a job of a task that prefers this loop (any thread).
    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let (accepted, wake) = inbox.withLock { inbox -> (Bool, Bool) in
            guard !inbox.closed else { return (false, false) }
            inbox.jobs.append(unowned)
            defer { inbox.sleeping = false }
            return (true, inbox.sleeping)
        }
        if !accepted {
            globalConcurrentExecutor.enqueue(ExecutorJob(unowned))
        } else if wake {
            signal()
        }
    }

    /// Starts the loop on a thread of its own. Returns false if the thread could not be created.
    public func start(name: String) -> Bool {
        // The thread holds the loop until it ends.
        guard let thread = PlatformThread.start(name: name, { self.run() }) else { return false }
        self.thread = thread
        return true
    }

    /// Asks the loop to stop: it runs its stop hooks and what is queued, then ends.
    public func stop() {
        let wake = inbox.withLock { inbox -> Bool in
            inbox.stopping = true
            return !inbox.closed
        }
        if wake { signal() }
    }

    /// Lets go of what a loop that never started was given (watchers, tickers, stop hooks and
    /// attachments, which may hold the loop in turn), so that all of it can be freed: for a start
    /// that failed part-way. Does nothing to a loop that was started.
    public func discard() {
        guard thread == nil else { return }
        watchers.removeAll()
        tickers.removeAll()
        stopHooks.removeAll()
        attachments.removeAll()
    }

    /// Waits for the loop's thread to end (after ``stop()``); not from the loop itself.
    public func join() {
        guard let thread, !inLoop else { return }
        self.thread = nil
        thread.join()
    }

    // MARK: The loop

    private func signal() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    private func run() {
        Self.loops.set(self)
        defer { Self.loops.set(nil) }
        let me = asUnownedTaskExecutor()
        let capacity: Int32 = 64
        var events = [epoll_event](repeating: epoll_event(), count: Int(capacity))
        var jobs: [UnownedJob] = []
        var closures: [@Sendable () -> Void] = []
        while true {
            let stopping = inbox.withLock { inbox -> Bool in
                swap(&jobs, &inbox.jobs)
                swap(&closures, &inbox.closures)
                return inbox.stopping
            }
            for closure in closures { closure() }
            closures.removeAll(keepingCapacity: true)
            for job in jobs { job.runSynchronously(on: me) }
            jobs.removeAll(keepingCapacity: true)
            if stopping { break }

            var waitMs = -1
            for ticker in tickers {
                let limit = ticker()
                if limit >= 0 { waitMs = waitMs < 0 ? limit : min(waitMs, limit) }
            }
            var count: Int32 = 0
            if waitMs != 0, let spin = spinBeforeWait {
                _ = spin {
                    count = epoll_wait(epollFD, &events, capacity, 0)
                    return count > 0 || inbox.withLock { !$0.jobs.isEmpty || !$0.closures.isEmpty || $0.stopping }
                }
            }
            if count <= 0 {
                let idle = inbox.withLock { inbox -> Bool in
                    guard inbox.jobs.isEmpty, inbox.closures.isEmpty, !inbox.stopping else { return false }
                    inbox.sleeping = true
                    return true
                }
                if idle {
                    count = epoll_wait(epollFD, &events, capacity, Int32(clamping: waitMs))
                    inbox.withLock { $0.sleeping = false }
                }
            }
            for index in 0..<Int(max(0, count)) {
                let fd = events[index].data.fd
                if fd == wakeFD {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                } else if let watcher = watchers[fd] {
                    watcher.handler(events[index].events)
                }
            }
        }
        winding = true
        for hook in stopHooks { hook() }
        stopHooks.removeAll()
        // What the hooks and the last jobs queued runs here; later jobs go to the global executor.
        while true {
            let (more, last) = inbox.withLock { inbox -> ([UnownedJob], [@Sendable () -> Void]) in
                defer {
                    inbox.jobs.removeAll()
                    inbox.closures.removeAll()
                }
                return (inbox.jobs, inbox.closures)
            }
            if more.isEmpty, last.isEmpty { break }
            for closure in last { closure() }
            for job in more { job.runSynchronously(on: me) }
        }
        inbox.withLock { $0.closed = true }
        let late = inbox.withLock { inbox -> [UnownedJob] in
            defer { inbox.jobs.removeAll() }
            return inbox.jobs
        }
        for job in late { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
        watchers.removeAll()
        tickers.removeAll()
        attachments.removeAll()
    }

    /// Each loop thread's loop.
    private static let loops = ThreadLocal<EventLoop>()
}
