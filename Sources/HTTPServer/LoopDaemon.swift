#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CMicroHTTPD
import Platform
import Synchronization

/// One libmicrohttpd daemon driven by one ``EventLoop`` (the ``HTTPServerConfiguration/ThreadModel/eventLoops(threads:)``
/// model): the daemon's epoll descriptor is watched by the loop, each request's handler runs as a
/// task on the loop, and the connection is suspended until the task answers.
///
/// Everything here runs on the loop's thread: libmicrohttpd's callbacks come from `MHD_run`,
/// which only the loop calls, and answers from other threads are posted to the loop.
final class LoopDaemon: @unchecked Sendable {
    let loop: EventLoop
    let core: ServerCore
    private(set) var daemon: OpaquePointer?
    /// Requests whose handler is running, by state.
    private var waiting: [ObjectIdentifier: RequestState] = [:]
    /// Streamed bodies waiting for their producer.
    private var parkedStreams: [ObjectIdentifier: StreamState] = [:]
    /// A connection was resumed: `MHD_run` must run before the loop waits (libmicrohttpd's
    /// external-epoll mode does not make its descriptor readable for a resume).
    private var resumed = false
    /// Connections the daemon serves (libmicrohttpd's connection notifications count them).
    private let open = Atomic<Int>(0)
    /// Connections handed over by a listener on another loop, not yet added to the daemon.
    private let arriving = Atomic<Int>(0)
    /// The listening socket this loop stopped watching for a moment (out of descriptors), the
    /// handler to watch it with again, and when (monotonic milliseconds).
    private var acceptPause: (fd: Int32, handler: EventLoop.Handler, until: Int)?
    /// When the waiting requests' clients were last looked at (monotonic milliseconds).
    private var lastClientCheck = 0
    /// A request waits this long for its handler before its client is looked at, and clients are
    /// looked at this often: short answers never cost a system call for it.
    static let clientCheckMs = 500

    init(loop: EventLoop, core: ServerCore) {
        self.loop = loop
        self.core = core
    }

    /// The daemon of the loop running on the calling thread, if any.
    static var current: LoopDaemon? { EventLoop.current?.attachment(LoopDaemon.self) { nil } }

    /// Takes `daemon` over: registers with the loop (before it starts) so that its I/O, timeouts
    /// and shutdown run there.
    func adopt(_ daemon: OpaquePointer) -> Bool {
        let fd = shim_MHD_daemon_epoll_fd(daemon)
        guard fd >= 0 else { return false }
        self.daemon = daemon
        _ = loop.attachment(LoopDaemon.self) { self }
        loop.watch(fd, events: EventLoop.readable) { [unowned self] _ in
            if let daemon = self.daemon { _ = MHD_run(daemon) }
        }
        loop.addTicker { [unowned self] in
            guard let daemon = self.daemon else { return -1 }
            var timeout = shim_MHD_timeout_ms(daemon)
            if timeout == 0 || self.resumed {
                self.resumed = false
                _ = MHD_run(daemon)
                timeout = shim_MHD_timeout_ms(daemon)
            }
            if !self.waiting.isEmpty || !self.parkedStreams.isEmpty {
                // Wake in time to look at the clients of waiting requests and parked streams again.
                let now = MonotonicTime.milliseconds()
                if now - self.lastClientCheck >= Self.clientCheckMs { self.cancelAbandoned(now: now) }
                let left = Int64(max(1, self.lastClientCheck + Self.clientCheckMs - now))
                timeout = timeout < 0 ? left : min(timeout, left)
            }
            if let pause = self.acceptPause {
                let now = MonotonicTime.milliseconds()
                guard now >= pause.until else {
                    let left = pause.until - now
                    return timeout < 0 ? left : min(Int(timeout), left)
                }
                self.acceptPause = nil
                self.loop.watch(pause.fd, events: EventLoop.readable, pause.handler)
            }
            return Int(timeout)
        }
        loop.onStop { [unowned self] in self.shutdown(epollFD: fd) }
        return true
    }

    /// Gives up a daemon whose loop never started (a server start that failed part-way): stops
    /// the daemon and drops the loop's hold on this object.
    func abandon() {
        if let daemon {
            self.daemon = nil
            MHD_stop_daemon(daemon)
        }
        loop.discard()
    }

    // MARK: Connections

    /// Connections served and on their way here: what a listener balances on (any thread).
    var load: Int { open.load(ordering: .relaxed) + arriving.load(ordering: .relaxed) }

    /// Takes a connection a listener accepted (any thread): added to the daemon on this loop.
    func handOver(_ connection: AcceptedConnection) {
        arriving.add(1, ordering: .relaxed)
        if loop.inLoop {
            add(connection)
        } else if !loop.execute({ self.add(connection) }) {
            close(connection.fd)
            arriving.subtract(1, ordering: .relaxed)
        }
    }

    private func add(_ connection: AcceptedConnection) {
        arriving.subtract(1, ordering: .relaxed)
        guard let daemon else {
            close(connection.fd)  // the server is stopping
            return
        }
        var address = connection.address
        // libmicrohttpd owns (and closes) the socket from here, whatever the outcome; over the
        // connection limit it closes it at once, as it does with connections it accepts itself.
        _ = withUnsafePointer(to: &address) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                MHD_add_connection(daemon, connection.fd, $0, connection.length)
            }
        }
        // External epoll: the new connection's request may already be waiting.
        resumed = true
    }

    /// libmicrohttpd started serving a connection (on this loop).
    func connectionOpened() { open.add(1, ordering: .relaxed) }

    /// libmicrohttpd closed a connection (on this loop).
    func connectionClosed() { open.subtract(1, ordering: .relaxed) }

    /// Stops watching the listening socket `fd` for 100 ms, then watches it again with `handler`:
    /// when accepting fails for want of descriptors or memory, the connection stays queued
    /// rather than the loop spinning on the error.
    func pauseAccepting(_ fd: Int32, handler: @escaping EventLoop.Handler) {
        loop.unwatch(fd)
        acceptPause = (fd, handler, MonotonicTime.milliseconds() + 100)
    }

    // MARK: Requests

    /// Suspends the connection and runs the server's async handler for `request` as a task on
    /// this loop; its answer resumes the connection (see ``MHDBridge/access``). A streamed body
    /// is then iterated by the same task, into the hand-off the connection takes its chunks from.
    func start(
        _ request: ServerRequest, state: RequestState, connection: OpaquePointer,
        handler: @escaping @Sendable (ServerRequest) async -> ServerResponse
    ) {
        MHD_suspend_connection(connection)
        state.connection = connection
        state.waitingForHandler = true
        state.socket = shim_MHD_connection_fd(connection)
        state.startedMs = MonotonicTime.milliseconds()
        waiting[ObjectIdentifier(state)] = state
        let loop = self.loop
        state.task = Task(executorPreference: loop) {
            let response = await handler(request)
            guard case .sequence(let body) = response.body else {
                if loop.inLoop {
                    self.answer(state, with: response, pump: nil)
                } else if !loop.execute({ self.answer(state, with: response, pump: nil) }) {
                    Self.discard(response)
                }
                return
            }
            let pump = BodyPump()
            if loop.inLoop {
                self.answer(state, with: response, pump: pump)
            } else if !loop.execute({ self.answer(state, with: response, pump: pump) }) {
                pump.abandon()
                Self.discard(response)
                return
            }
            await body.iterate(pump)
        }
    }

    /// Resumes the connection with `response` (and its streamed body's `pump`); a response for
    /// a request that was already answered (the server stopped meanwhile) is discarded.
    private func answer(_ state: RequestState, with response: ServerResponse, pump: BodyPump?) {
        guard state.waitingForHandler, let connection = state.connection else {
            pump?.abandon()
            Self.discard(response)
            return
        }
        state.waitingForHandler = false
        state.answer = response
        state.answerPump = pump
        // A streamed body's task goes on: the body's stream state takes it over (to cancel it).
        if pump == nil { state.task = nil }
        waiting.removeValue(forKey: ObjectIdentifier(state))
        MHD_resume_connection(connection)
        resumed = true
    }

    /// Lets a response that will never be sent release what it holds.
    private static func discard(_ response: ServerResponse) {
        switch response.body {
        case .bytes: break
        case .stream(let stream): stream.onFinish?()
        case .sequence(let body): body.onFinish?()
        }
    }

    /// Cancels the handler of each request that has waited a while and whose client has gone
    /// (closed or reset its connection): an upstream call nobody will read is not worth paying
    /// for. The handler's answer, if it still gives one, is dropped with the connection. A
    /// streamed body parked until its producer has more is ended the same way (its stream's
    /// ``ResponseStream/onFinish`` then stops the producer), rather than when the producer
    /// next writes, which a silent upstream may put off for long.
    private func cancelAbandoned(now: Int) {
        lastClientCheck = now
        for state in waiting.values where state.task != nil && now - state.startedMs >= Self.clientCheckMs {
            guard HangUpWatch.peerHasClosed(state.socket) else { continue }
            state.task?.cancel()
            state.task = nil
        }
        for (id, stream) in parkedStreams {
            guard let connection = stream.connection, HangUpWatch.peerHasClosed(shim_MHD_connection_fd(connection))
            else {
                continue
            }
            parkedStreams.removeValue(forKey: id)
            stream.abandon()
            MHD_resume_connection(connection)
            resumed = true
        }
    }

    // MARK: Streams

    /// Suspends a streamed body's connection until its producer calls the returned waker.
    func park(_ stream: StreamState) {
        guard let connection = stream.connection else { return }
        MHD_suspend_connection(connection)
        parkedStreams[ObjectIdentifier(stream)] = stream
    }

    /// A waker for `stream` (any thread): resumes its connection on the loop, at once when called
    /// there (the body's task runs on the loop), else through the loop's queue. It names the
    /// stream without holding it, so the stream may keep its waker.
    func waker(for stream: StreamState) -> @Sendable () -> Void {
        let id = ObjectIdentifier(stream)
        return { [loop] in
            if loop.inLoop {
                self.unpark(id)
            } else {
                _ = loop.execute { self.unpark(id) }
            }
        }
    }

    private func unpark(_ id: ObjectIdentifier) {
        guard let stream = parkedStreams.removeValue(forKey: id), let connection = stream.connection else { return }
        MHD_resume_connection(connection)
        resumed = true
    }

    // MARK: Shutdown

    /// Answers what is still waiting (503, or a dropped stream), then stops the daemon.
    private func shutdown(epollFD: Int32) {
        guard let daemon else { return }
        for state in waiting.values {
            state.waitingForHandler = false
            state.answer = ServerResponse(
                status: 503, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Connection", "close")],
                bytes: Array("the server is stopping\n".utf8))
            if let connection = state.connection { MHD_resume_connection(connection) }
        }
        waiting.removeAll()
        for (_, stream) in parkedStreams {
            stream.abandon()
            if let connection = stream.connection { MHD_resume_connection(connection) }
        }
        parkedStreams.removeAll()
        _ = MHD_run(daemon)
        loop.unwatch(epollFD)
        self.daemon = nil
        MHD_stop_daemon(daemon)
    }
}
