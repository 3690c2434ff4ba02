import Platform
import ProviderInterface

/// The libcurl ``HTTPTransport``: async/await over one long-lived curl multi handle
/// driven by one dedicated thread.
///
/// - Connections are kept alive and reused (HTTP/2 multiplexing where TLS offers it);
///   easy handles are pooled.
/// - Timeouts: connect (``HTTPTimeouts/connectMs``), first byte — no header or body byte
///   within ``HTTPTimeouts/firstByteMs`` of the start of an exchange — and total
///   (``HTTPTimeouts/totalMs``, shared by all the hops of a redirected request).
/// - Bodies are decoded from every content encoding libcurl knows and limited to
///   ``HTTPRequest/maxResponseBytes`` (``TransportError/Code/tooLarge``).
/// - Only `https`, or `http` to a loopback host, is contacted
///   (``TransportError/Code/insecureURL`` before anything is sent).
/// - Redirects (301, 302, 303, 307, 308) are followed here, up to
///   ``HTTPRequest/maxRedirects``; a hop to another scheme, host or port is sent without
///   ``HTTPRequest/sensitiveHeaderNames``, and they are not restored later.
/// - Cancelling the calling task (or dropping a streamed body) stops the transfer.
/// - Error messages name the method and the URL without its query; never a header value.
public final class CurlTransport: HTTPTransport {
    /// The process-wide transport, created on first use (the CLI's one instance).
    public static let shared = CurlTransport()

    /// The loop thread (internal for tests).
    let loop: CurlMultiLoop
    /// The threads on which a call may run itself instead of on the loop thread (see
    /// ``CurlInlineRunner``); nil: none.
    private let blockingThreads: BlockingThreads?
    /// How a call made on such a thread waits for its answer: spinning briefly first when
    /// lightly loaded; nil never spins.
    private let busyPoll: BusyPoll?

    /// A transport with its own connection cache and loop thread. The thread ends after
    /// the transport is released and its transfers (streams included) have ended. The server
    /// it serves hands it its execution strategy: the threads it marks as free to block
    /// (`blockingThreads`) and its busy-poll policy (`busyPoll`); by default neither.
    public init(blockingThreads: BlockingThreads? = nil, busyPoll: BusyPoll? = nil) {
        loop = CurlMultiLoop()
        self.blockingThreads = blockingThreads
        self.busyPoll = busyPoll
    }

    deinit {
        loop.close()
    }

    /// Sends a request and returns the whole response, after redirects.
    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        var redirects = RedirectBudget(request)
        var hop = try CurlHop(request)
        while true {
            hop.totalMs = try redirects.remainingMs(for: hop)
            guard case .response(let response) = try await perform(hop, streaming: false) else {
                throw TransportError(.other, "\(hop.context): unexpected transfer outcome")
            }
            try redirects.checkNotRefusedElsewhere(hop, status: response.status)
            guard RedirectPolicy.isRedirect(response.status) else { return response }
            hop = try redirects.follow(hop, status: response.status, location: response.header("location"))
        }
    }

    /// Sends a request and returns once the status and headers of the final response are
    /// in; its body then streams in arrival order and ends with a ``TransportError`` if the
    /// transfer breaks (``TransportError/Code/connectionBroken``), times out or grows too large.
    public func stream(_ request: HTTPRequest) async throws(TransportError) -> HTTPStreamingResponse {
        var redirects = RedirectBudget(request)
        var hop = try CurlHop(request)
        while true {
            hop.totalMs = try redirects.remainingMs(for: hop)
            switch try await perform(hop, streaming: true) {
            case .streaming(let response):
                try redirects.checkNotRefusedElsewhere(hop, status: response.status)
                return response
            case .redirect(let status, let location):
                hop = try redirects.follow(hop, status: status, location: location)
            case .response:
                throw TransportError(.other, "\(hop.context): unexpected transfer outcome")
            }
        }
    }

    /// Runs one hop on the loop thread; the calling task waits without blocking a thread. On an
    /// event loop a buffered hop runs on that loop instead (see ``CurlLoopDriver``), and where
    /// the calling thread is one of the ``BlockingThreads`` it was given (see ``CurlInlineRunner``).
    private func perform(_ hop: CurlHop, streaming: Bool) async throws(TransportError) -> CurlHopOutcome {
        guard !Task.isCancelled else { throw TransportError(.cancelled, "\(hop.context): cancelled") }
        let transfer = CurlTransfer(hop: hop, streaming: streaming)
        if !streaming, let driver = CurlLoopDriver.forCurrentLoop() {
            let result = await withTaskCancellationHandler {
                await withCheckedContinuation { (completion: CurlTransfer.Completion) in
                    transfer.completion = completion
                    driver.start(transfer)
                }
            } onCancel: {
                driver.cancel(transfer)
            }
            return try result.get()
        }
        if !streaming, blockingThreads?.isAllowed == true, let runner = CurlInlineRunner.forCurrentThread() {
            let result = await withTaskCancellationHandler {
                runner.perform(transfer, busyPoll: busyPoll)
            } onCancel: {
                transfer.cancelRequested.store(true, ordering: .releasing)
                runner.wake()
            }
            return try result.get()
        }
        let loop = self.loop
        if streaming {
            let (body, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
            continuation.onTermination = { termination in
                if case .cancelled = termination { loop.cancel(transfer) }
            }
            transfer.bodyStream = body
            transfer.bodyContinuation = continuation
        }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (completion: CurlTransfer.Completion) in
                transfer.completion = completion
                if !loop.submit(transfer) {
                    transfer.completion = nil
                    completion.resume(
                        returning: .failure(TransportError(.other, "\(hop.context): the transport is closed")))
                }
            }
        } onCancel: {
            loop.cancel(transfer)
        }
        return try result.get()
    }
}

/// Counts redirects and what is left of the total timeout across hops.
private struct RedirectBudget {
    let maxRedirects: Int
    let sensitive: Set<String>
    let totalMs: Int
    let startedAt = MonotonicTime.nanoseconds()
    var followed = 0
    /// Whether the request carried a credential that a hop to another origin left behind.
    var credentialLeftBehind = false

    init(_ request: HTTPRequest) {
        maxRedirects = request.maxRedirects
        sensitive = Set(request.sensitiveHeaderNames.map { $0.lowercased() })
        totalMs = max(1, request.timeouts.totalMs)
    }

    /// A 401 or 403 from a host the request was redirected to, without its credential (never
    /// sent to another origin), says nothing about that credential: it is a refusal of the
    /// redirect, reported as such rather than as the provider refusing the key.
    func checkNotRefusedElsewhere(_ hop: CurlHop, status: Int) throws(TransportError) {
        guard credentialLeftBehind, status == 401 || status == 403 else { return }
        throw TransportError(
            .redirectRefused,
            "redirected to \(hop.url.redacted), which refused the request (HTTP \(status)); the credential is never sent to another host"
        )
    }

    func remainingMs(for hop: CurlHop) throws(TransportError) -> Int {
        let elapsedMs = Int((MonotonicTime.nanoseconds() - startedAt) / 1_000_000)
        guard elapsedMs < totalMs else { throw TransportError(.totalTimeout, "\(hop.context): total timeout") }
        return totalMs - elapsedMs
    }

    mutating func follow(_ hop: CurlHop, status: Int, location: String?) throws(TransportError) -> CurlHop {
        guard followed < maxRedirects else {
            throw TransportError(.badRedirect, "\(hop.context): more than \(maxRedirects) redirects")
        }
        followed += 1
        let next = try RedirectPolicy.nextHop(after: hop, status: status, location: location, sensitive: sensitive)
        if next.url.origin != hop.url.origin, hop.headers.contains(where: { sensitive.contains($0.name.lowercased()) })
        {
            credentialLeftBehind = true
        }
        return next
    }
}
