import CMicroHTTPD
import Platform
#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// What the C callbacks of one server run share: the handler, limits, the stop signal and the
/// connection counter. Passed to libmicrohttpd as its `cls`, kept alive by ``HTTPServer`` until
/// the daemon has stopped.
final class ServerCore: Sendable {
    /// The two forms of handler a server may have.
    enum Handler: Sendable {
        /// Called on the connection's thread, which it may block (see ``HTTPServer/init(configuration:handler:)``).
        case blocking(@Sendable (ServerRequest) -> ServerResponse)
        /// Run as a task on the connection's thread model (see ``HTTPServer/init(configuration:asyncHandler:)``).
        case async(@Sendable (ServerRequest) async -> ServerResponse)
    }

    let handler: Handler
    let stopSignal = StopSignal()
    let maxRequestBodyBytes: Int
    let streamBlockSize: Int
    let beforeIdleWait: (@Sendable (Int32) -> Void)?
    /// Blocking models: the connection threads that run their request's task, marked so.
    let blockingThreads: BlockingThreads?
    /// Blocking models: watches the clients of running handlers (nil on event loops, where a
    /// gone client's handler task is cancelled instead).
    let hangUps: HangUpWatch?
    /// The HTTPS key and certificate as C strings, alive as long as the daemon (which keeps
    /// pointers to them); nil for plain HTTP.
    nonisolated(unsafe) let tlsKey: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) let tlsCertificate: UnsafeMutablePointer<CChar>?
    private let connectionCounter = Atomic<Int>(0)

    init(handler: Handler, configuration: HTTPServerConfiguration) {
        self.handler = handler
        self.maxRequestBodyBytes = max(0, configuration.maxRequestBodyBytes)
        self.streamBlockSize = max(1024, configuration.streamBlockSize)
        self.blockingThreads = configuration.blockingThreads
        if case .threadPerConnection = configuration.threadModel {
            beforeIdleWait = configuration.beforeIdleWait
        } else {
            beforeIdleWait = nil
        }
        if case .eventLoops = configuration.threadModel {
            hangUps = nil
        } else {
            hangUps = HangUpWatch()
        }
        tlsKey = configuration.tls.flatMap { strdup($0.privateKeyPEM) }
        tlsCertificate = configuration.tls.flatMap { strdup($0.certificatePEM) }
    }

    deinit {
        free(tlsKey)
        free(tlsCertificate)
    }

    /// A fresh connection number (1, 2, …).
    func nextConnectionID() -> Int { connectionCounter.add(1, ordering: .relaxed).newValue }
}

/// One request in progress, created by the URI-log callback and held in libmicrohttpd's
/// `*con_cls` until the request-completed callback releases it. Used only on its connection's
/// thread (with event loops: its loop's thread), hence `@unchecked Sendable`.
final class RequestState: @unchecked Sendable {
    let target: String
    var headersSeen = false
    var body: [UInt8] = []
    var bodyTooLarge = false
    var headers: [(name: String, value: String)] = []
    /// Event loops: the suspended connection, while its handler runs.
    var connection: OpaquePointer?
    /// Event loops: the handler is running and the connection is suspended.
    var waitingForHandler = false
    /// Event loops: the handler's response, queued when libmicrohttpd calls back after the resume,
    /// and the hand-off of its streamed body, which the handler's task goes on to iterate.
    var answer: ServerResponse?
    var answerPump: BodyPump?
    /// Event loops: the handler's task (cancelled when the client goes away, or its streamed
    /// body is abandoned), its connection's socket, and when it started (monotonic milliseconds).
    var task: Task<Void, Never>?
    var socket: Int32 = -1
    var startedMs = 0

    init(target: String) { self.target = target }
}

/// A streamed body in progress, held by libmicrohttpd's response until its free callback.
/// Used only on its connection's thread (with event loops: its loop's thread).
///
/// The body is either a blocking ``ResponseStream`` (a blocking handler's), whose producer the
/// connection thread calls, or a ``ResponseBody`` whose sequence a task iterates into a
/// ``BodyPump``: on an event loop the connection is parked while the pump is empty and resumed
/// by its waker; on a connection thread, the thread drains the task's jobs until the pump has
/// something (see ``WaitingThreadExecutor``).
final class StreamState {
    /// Where the body's pieces come from.
    enum Source {
        case blocking(ResponseStream)
        /// The pump, the task that feeds it (cancelled when the body is abandoned), and on a
        /// connection thread the executor that runs that task.
        case pumped(BodyPump, task: Task<Void, Never>?, executor: WaitingThreadExecutor?)
    }

    private let source: Source
    private let stopSignal: StopSignal
    private var pending: [UInt8] = []
    private var offset = 0
    /// Event loops: the daemon and connection, for parking the body while its producer has nothing.
    private let daemon: LoopDaemon?
    let connection: OpaquePointer?
    private var abandoned = false
    /// Event loops: resumes the parked connection (made once, on the first park).
    private var waker: (@Sendable () -> Void)?
    /// Blocking models: watches the client while the producer blocks for its next piece.
    private let hangUps: HangUpWatch?
    /// The body's `onFinish` (and, for a pumped body, abandoning the pump and cancelling its
    /// task), run once: when the body is done, or earlier when the watch sees the client go
    /// while the connection thread waits for the producer.
    private let finish: FinishOnce

    init(
        source: Source, onFinish: (@Sendable () -> Void)?, stopSignal: StopSignal, daemon: LoopDaemon? = nil,
        connection: OpaquePointer? = nil, hangUps: HangUpWatch? = nil
    ) {
        self.source = source
        self.stopSignal = stopSignal
        self.daemon = daemon
        self.connection = connection
        self.hangUps = hangUps
        if case .pumped(let pump, let task, _) = source {
            self.finish = FinishOnce(onFinish, pump: pump, task: task)
        } else {
            self.finish = FinishOnce(onFinish)
        }
    }

    /// The server is stopping, or the client has gone: the next call ends the body with an error.
    func abandon() { abandoned = true }

    deinit {
        finish.run()
        if case .pumped(_, _, let executor?) = source { executor.close() }
    }

    /// Copies up to `capacity` bytes of the next piece into `buffer`; returns the count, or
    /// libmicrohttpd's end-of-stream / end-with-error markers.
    func fill(_ buffer: UnsafeMutableRawPointer, capacity: Int) -> Int {
        while true {
            if offset < pending.count {
                let n = min(capacity, pending.count - offset)
                pending.withUnsafeBytes { source in
                    if let base = source.baseAddress { buffer.copyMemory(from: base + offset, byteCount: n) }
                }
                offset += n
                return n
            }
            let event: StreamEvent
            switch source {
            case .pumped(let pump, _, let executor):
                if abandoned || stopSignal.isFired { return MHD_CONTENT_READER_END_WITH_ERROR }
                if let daemon, connection != nil {
                    switch pump.take(orWake: loopWaker(daemon)) {
                    case .data(let bytes): event = .data(bytes)
                    case .end: event = .end
                    case .failed: event = .abort
                    case .empty:
                        // Nothing yet: park the connection; the waker resumes it and libmicrohttpd asks again.
                        daemon.park(self)
                        return 0
                    }
                } else if let executor {
                    switch pump.take() {
                    case .data(let bytes): event = .data(bytes)
                    case .end: event = .end
                    case .failed: event = .abort
                    case .empty:
                        wait(for: pump, executor: executor)
                        continue
                    }
                } else {
                    return MHD_CONTENT_READER_END_WITH_ERROR
                }
            case .blocking(let stream):
                if let hangUps, let connection {
                    // The producer may block for long (a silent upstream): a client that goes
                    // meanwhile finishes the stream at once, so its producer stops.
                    let hangUp = ClientHangUp()
                    let finish = self.finish
                    hangUp.onHangUp { finish.run() }
                    let token = hangUps.watch(socket: shim_MHD_connection_fd(connection), hangUp: hangUp)
                    event = stream.next(stopSignal)
                    hangUps.forget(token)
                } else {
                    event = stream.next(stopSignal)
                }
            }
            switch event {
            case .data(let bytes):
                pending = bytes
                offset = 0
            case .end: return MHD_CONTENT_READER_END_OF_STREAM
            case .abort: return MHD_CONTENT_READER_END_WITH_ERROR
            }
        }
    }

    /// Event loops: the waker that resumes this parked body (made once and kept). Not
    /// `waker ?? …`: the generic `??` wraps the closure in two reabstraction thunks, and storing
    /// that back grew a chain of them by two every wait (a 1,000-chunk stream woke through 2,000
    /// thunks, allocated one by one).
    private func loopWaker(_ daemon: LoopDaemon) -> @Sendable () -> Void {
        if let waker { return waker }
        let made = daemon.waker(for: self)
        waker = made
        return made
    }

    /// Connection threads: runs the pump's task here until it has handed over something (or
    /// the body is over), watching the client meanwhile: a client that goes, or a server that
    /// stops, finishes the body at once (its task is cancelled, so its producer stops).
    private func wait(for pump: BodyPump, executor: WaitingThreadExecutor) {
        let finish = self.finish
        var token: Int?
        if let hangUps, let connection {
            let hangUp = ClientHangUp()
            hangUp.onHangUp { finish.run() }
            token = hangUps.watch(socket: shim_MHD_connection_fd(connection), hangUp: hangUp)
        }
        executor.drain(until: { pump.isReady }, stop: stopSignal, onStop: { finish.run() })
        if let token { hangUps?.forget(token) }
    }
}

/// Runs an action at most once, from whichever thread asks first; for a pumped body, first
/// abandons its pump and cancels the task that feeds it.
final class FinishOnce: Sendable {
    private let action: (@Sendable () -> Void)?
    private let pump: BodyPump?
    private let task: Task<Void, Never>?
    private let done = Atomic<Bool>(false)

    init(_ action: (@Sendable () -> Void)?, pump: BodyPump? = nil, task: Task<Void, Never>? = nil) {
        self.action = action
        self.pump = pump
        self.task = task
    }

    /// Runs the action, unless it has run already.
    func run() {
        guard action != nil || pump != nil, !done.exchange(true, ordering: .acquiringAndReleasing) else { return }
        pump?.abandon()
        task?.cancel()
        action?()
    }
}
