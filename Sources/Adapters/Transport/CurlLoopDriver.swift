import CCurl
import Platform

/// The transport's buffered transfers on an ``EventLoop``: one curl multi handle per loop, whose
/// sockets join the loop's epoll through libcurl's socket API. A request task running on the loop
/// (a `broker serve` request on the event-loop model) sends, waits and resumes without leaving
/// the loop's thread and without blocking it.
///
/// Created on first use on a loop and kept as the loop's attachment; used only on that thread.
/// When the loop stops, transfers still running end with ``TransportError/Code/cancelled``.
/// Timeouts, size limit and redirects behave as on the transport's own loop thread.
final class CurlLoopDriver: @unchecked Sendable {
    private let loop: EventLoop
    private let multi: UnsafeMutableRawPointer
    private let transfers: CurlTransferSet
    /// When libcurl wants `CURL_SOCKET_TIMEOUT` handled (monotonic ns); nil: no timer.
    private var timerDeadline: UInt64?
    private var closed = false
    /// The most idle connections kept for reuse per loop.
    private static let keptConnections = 256

    private init?(loop: EventLoop) {
        guard CurlGlobal.isReady, let multi = curl_multi_init() else { return nil }
        self.loop = loop
        self.multi = multi
        transfers = CurlTransferSet(multi: multi)
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = shim_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        // libcurl keeps 4 idle connections per transfer running at the time: when a burst ends, it
        // would close most of those it opened for it and reconnect for the next one.
        _ = shim_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, Self.keptConnections)
        _ = shim_curl_multi_socket_callback(
            multi,
            { _, socket, what, userp, _ in
                guard let userp else { return 0 }
                Unmanaged<CurlLoopDriver>.fromOpaque(userp).takeUnretainedValue().socketChanged(socket, what: what)
                return 0
            }, me)
        _ = shim_curl_multi_timer_callback(
            multi,
            { _, timeoutMs, userp in
                guard let userp else { return 0 }
                Unmanaged<CurlLoopDriver>.fromOpaque(userp).takeUnretainedValue().timerChanged(timeoutMs)
                return 0
            }, me)
        loop.addTicker { [unowned self] in self.tick() }
        loop.onStop { [unowned self] in self.shutdown() }
    }

    /// The driver of the loop running on the calling thread; nil off a loop, or when the loop
    /// has stopped.
    static func forCurrentLoop() -> CurlLoopDriver? {
        guard let loop = EventLoop.current,
            let driver = loop.attachment(CurlLoopDriver.self, make: { CurlLoopDriver(loop: loop) }), !driver.closed
        else { return nil }
        return driver
    }

    /// Easy handles kept for the next transfers (for tests).
    var idleHandles: Int { transfers.idleHandles }

    /// Starts `transfer` (its completion set); its task is resumed from this loop.
    func start(_ transfer: CurlTransfer) {
        guard transfers.start(transfer) else { return }
        // Send now rather than on the loop's next round.
        timerDeadline = nil
        act(shim_curl_socket_timeout(), 0)
    }

    /// Stops `transfer` with ``TransportError/Code/cancelled`` (from any thread).
    func cancel(_ transfer: CurlTransfer) {
        transfer.cancelRequested.store(true, ordering: .releasing)
        loop.execute { [self] in transfers.cancel(transfer) }
    }

    // MARK: libcurl's callbacks

    private func socketChanged(_ socket: curl_socket_t, what: Int32) {
        guard !closed else { return }
        if what == CURL_POLL_REMOVE {
            // An idle kept-alive connection: stay registered for reading (no system call now or
            // when the next transfer takes it, which curl announces as reading or writing), and
            // let go only if the peer closes it meanwhile, so the loop does not spin on it.
            loop.watch(socket, events: EventLoop.readable) { [loop] _ in loop.unwatch(socket) }
            return
        }
        var events: UInt32 = 0
        if what == CURL_POLL_IN || what == CURL_POLL_INOUT { events |= EventLoop.readable }
        if what == CURL_POLL_OUT || what == CURL_POLL_INOUT { events |= EventLoop.writable }
        loop.watch(socket, events: events) { [unowned self] ready in
            var flags: Int32 = 0
            if ready & EventLoop.readable != 0 { flags |= CURL_CSELECT_IN }
            if ready & EventLoop.writable != 0 { flags |= CURL_CSELECT_OUT }
            if ready & ~(EventLoop.readable | EventLoop.writable) != 0 { flags |= CURL_CSELECT_ERR }
            self.act(socket, flags)
        }
    }

    private func timerChanged(_ timeoutMs: Int) {
        timerDeadline = timeoutMs < 0 ? nil : MonotonicTime.nanoseconds() &+ UInt64(timeoutMs) &* 1_000_000
    }

    // MARK: The loop's work

    /// Lets libcurl work on `socket` (or its timers), then finishes what completed.
    private func act(_ socket: curl_socket_t, _ flags: Int32) {
        var running: Int32 = 0
        _ = curl_multi_socket_action(multi, socket, flags, &running)
        transfers.collectFinished()
    }

    /// Runs libcurl's due timer and the first-byte timeouts; returns how long the loop may wait.
    private func tick() -> Int {
        guard !transfers.isEmpty || timerDeadline != nil else { return -1 }
        var now = MonotonicTime.nanoseconds()
        if let deadline = timerDeadline, deadline <= now {
            timerDeadline = nil
            act(shim_curl_socket_timeout(), 0)
            now = MonotonicTime.nanoseconds()
        }
        var waitMs = transfers.expireFirstBytes().map(Int.init) ?? -1
        if let deadline = timerDeadline {
            let timerMs = deadline <= now ? 0 : Int((deadline - now + 999_999) / 1_000_000)
            waitMs = waitMs < 0 ? timerMs : min(waitMs, timerMs)
        }
        return waitMs
    }

    /// The loop is stopping: ends what runs, frees the handles.
    private func shutdown() {
        transfers.endAll { TransportError(.cancelled, "\($0.hop.context): the server is stopping") }
        closed = true
        transfers.freePool()
        curl_multi_cleanup(multi)
    }
}
