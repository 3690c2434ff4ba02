import CMicroHTTPD
#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// What the C callbacks of one server run share: the handler, limits, the stop signal and the
/// connection counter. Passed to libmicrohttpd as its `cls`, kept alive by ``HTTPServer`` until
/// the daemon has stopped.
final class ServerCore: Sendable {
    let handler: @Sendable (ServerRequest) -> ServerResponse
    /// The handler event loops run as a task (see ``LoopDaemon``); nil runs ``handler`` inline.
    let asyncHandler: (@Sendable (ServerRequest) async -> ServerResponse)?
    let stopSignal = StopSignal()
    let maxRequestBodyBytes: Int
    let streamBlockSize: Int
    let beforeIdleWait: (@Sendable (Int32) -> Void)?
    /// Blocking models: watches the clients of running handlers (nil on event loops, where a
    /// gone client's handler task is cancelled instead).
    let hangUps: HangUpWatch?
    /// The HTTPS key and certificate as C strings, alive as long as the daemon (which keeps
    /// pointers to them); nil for plain HTTP.
    nonisolated(unsafe) let tlsKey: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) let tlsCertificate: UnsafeMutablePointer<CChar>?
    private let connectionCounter = Atomic<Int>(0)

    init(
        handler: @escaping @Sendable (ServerRequest) -> ServerResponse,
        asyncHandler: (@Sendable (ServerRequest) async -> ServerResponse)?, configuration: HTTPServerConfiguration
    ) {
        self.handler = handler
        self.asyncHandler = asyncHandler
        self.maxRequestBodyBytes = max(0, configuration.maxRequestBodyBytes)
        self.streamBlockSize = max(1024, configuration.streamBlockSize)
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
    /// Event loops: the handler's response, queued when libmicrohttpd calls back after the resume.
    var answer: ServerResponse?
    /// Event loops: the handler's task (cancelled when the client goes away), its connection's
    /// socket, and when it started (monotonic milliseconds).
    var task: Task<Void, Never>?
    var socket: Int32 = -1
    var startedMs = 0

    init(target: String) { self.target = target }
}

/// A streamed body in progress, held by libmicrohttpd's response until its free callback.
/// Used only on its connection's thread (with event loops: its loop's thread).
final class StreamState {
    private let stream: ResponseStream
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
    /// The stream's ``ResponseStream/onFinish``, run once: when the body is done, or earlier
    /// when the watch sees the client go while the producer blocks.
    private let finish: FinishOnce

    init(
        stream: ResponseStream, stopSignal: StopSignal, daemon: LoopDaemon? = nil, connection: OpaquePointer? = nil,
        hangUps: HangUpWatch? = nil
    ) {
        self.stream = stream
        self.stopSignal = stopSignal
        self.daemon = daemon
        self.connection = connection
        self.hangUps = hangUps
        self.finish = FinishOnce(stream.onFinish)
    }

    /// The server is stopping, or the client has gone: the next call ends the body with an error.
    func abandon() { abandoned = true }

    deinit { finish.run() }

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
            if let daemon, let connection, let poll = stream.poll {
                if abandoned || stopSignal.isFired { return MHD_CONTENT_READER_END_WITH_ERROR }
                // Made once and kept. Not `waker ?? …`: the generic `??` wraps the closure in two
                // reabstraction thunks, and storing that back grew a chain of them by two every
                // poll (a 1,000-chunk stream woke through 2,000 thunks, allocated one by one).
                let wake: @Sendable () -> Void
                if let waker {
                    wake = waker
                } else {
                    wake = daemon.waker(for: self)
                    waker = wake
                }
                guard let ready = poll(wake) else {
                    // Nothing yet: park the connection; the waker resumes it and libmicrohttpd asks again.
                    daemon.park(self)
                    return 0
                }
                event = ready
            } else if let hangUps, let connection {
                // The producer may block for long (a silent upstream): a client that goes meanwhile
                // finishes the stream at once, so its producer stops.
                let hangUp = ClientHangUp()
                let finish = self.finish
                hangUp.onHangUp { finish.run() }
                let token = hangUps.watch(socket: shim_MHD_connection_fd(connection), hangUp: hangUp)
                event = stream.next(stopSignal)
                hangUps.forget(token)
            } else {
                event = stream.next(stopSignal)
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
}

/// Runs an action at most once, from whichever thread asks first.
final class FinishOnce: Sendable {
    private let action: (@Sendable () -> Void)?
    private let done = Atomic<Bool>(false)

    init(_ action: (@Sendable () -> Void)?) { self.action = action }

    /// Runs the action, unless it has run already.
    func run() {
        guard let action, !done.exchange(true, ordering: .acquiringAndReleasing) else { return }
        action()
    }
}
