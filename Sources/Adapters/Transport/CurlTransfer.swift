import CCurl
import Platform
import Synchronization

/// One hop in flight: owns its easy handle (borrowed from the pool), header list and
/// upload buffer while libcurl runs it, and collects the response.
///
/// The task that creates it sets ``completion`` (and the body stream) and then hands it
/// to the loop through the loop's lock; from then on only the loop thread touches its
/// state, except ``cancelRequested``, which is atomic. That hand-off is why it is
/// `@unchecked Sendable`.
final class CurlTransfer: @unchecked Sendable {
    /// Resumed exactly once, from the loop thread.
    typealias Completion = CheckedContinuation<Result<CurlHopOutcome, TransportError>, Never>

    /// What is sent.
    let hop: CurlHop
    /// Whether the hop returns at the end of the headers and streams its body.
    let streaming: Bool
    /// Set by any thread that wants the transfer stopped.
    let cancelRequested = Atomic<Bool>(false)

    /// The waiting task; nil once resumed.
    var completion: Completion?
    /// The outcome of a transfer run by a ``CurlInlineRunner`` (which has no waiting task).
    private var inlineOutcome: Result<CurlHopOutcome, TransportError>?
    /// The body handed out in streaming mode (kept until the head is delivered).
    var bodyStream: AsyncThrowingStream<[UInt8], any Error>?
    /// Feeds ``bodyStream``; nil once finished.
    var bodyContinuation: AsyncThrowingStream<[UInt8], any Error>.Continuation?

    // Loop-thread state.
    private(set) var easy: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var upload: UnsafeMutableRawBufferPointer?
    private var head = ResponseHead()
    private var status = 0
    private var discardBody = false
    private var body: [UInt8] = []
    private var received = 0
    private var abortError: TransportError?
    /// When the first-byte timeout expires.
    private(set) var firstByteDeadline: UInt64 = 0
    /// Whether any response byte (header or body) has arrived.
    private(set) var sawFirstByte = false
    /// When the silence timeout expires (``CurlHop/idleMs`` after the last byte); `.max` when
    /// the hop has none or no byte came yet.
    private(set) var silenceDeadline = UInt64.max

    /// A transfer for `hop`, not yet started.
    init(hop: CurlHop, streaming: Bool) {
        self.hop = hop
        self.streaming = streaming
    }

    // MARK: Loop thread

    /// Configures `easy` (fresh or reset) for this hop. Returns false if libcurl refused an option.
    func attach(_ easy: UnsafeMutableRawPointer, now: UInt64) -> Bool {
        self.easy = easy
        firstByteDeadline = now &+ UInt64(hop.firstByteMs) &* 1_000_000
        // A small start (most answers are a few hundred bytes); the head's Content-Length, when
        // given, sizes it exactly. A 16 KiB reserve per transfer was a large allocation each time,
        // and each made malloc consolidate its free lists.
        if !streaming { body.reserveCapacity(min(hop.maxResponseBytes, 2 << 10)) }
        let me = Unmanaged.passUnretained(self).toOpaque()
        var ok = CurlEasyOptions.configure(easy, for: hop, userData: me)
        headerList = CurlEasyOptions.headerList(for: hop)
        ok = ok && shim_curl_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList) == CURLE_OK
        if let bytes = hop.body {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
            buffer.copyBytes(from: bytes)
            upload = buffer
            ok = ok && CurlEasyOptions.setBody(easy, buffer.baseAddress, count: bytes.count, method: hop.method)
        } else {
            ok = ok && CurlEasyOptions.setMethodWithoutBody(easy, hop.method)
        }
        return ok
    }

    /// Frees the header list and upload buffer and gives back the easy handle (to be
    /// removed from the multi handle before, and reset or freed after).
    func detach() -> UnsafeMutableRawPointer? {
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        upload?.deallocate()
        upload = nil
        defer { easy = nil }
        return easy
    }

    /// libcurl finished the transfer with `code` (called before ``detach()``).
    func finish(_ code: CURLcode) {
        if let abortError {
            deliver(abortError)
        } else if code == CURLE_OK {
            deliver(nil)
        } else {
            deliver(.curl(code, context: hop.context, connected: sawFirstByte || requestWasReady))
        }
    }

    /// Whether libcurl got as far as sending the request (connected, TLS done, or reused).
    private var requestWasReady: Bool {
        guard let easy else { return false }
        var pretransferMicroseconds: curl_off_t = 0
        _ = shim_curl_getinfo_off(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransferMicroseconds)
        return pretransferMicroseconds > 0
    }

    /// Ends the transfer: resumes the waiting task and finishes the body stream.
    func deliver(_ error: TransportError?) {
        if let error {
            resume(.failure(error))
            bodyContinuation?.finish(throwing: error)
        } else if streaming {
            if discardBody {
                resume(.success(.redirect(status: status, location: head.value("location"))))
            } else {
                deliverHead()
            }
            bodyContinuation?.finish()
        } else {
            resume(
                .success(.response(HTTPResponse(status: status, headers: head.headers, body: body, url: hop.url.text))))
        }
        bodyContinuation = nil
        bodyStream = nil
    }

    // MARK: Callbacks (loop thread, inside curl_multi_perform)

    /// A raw header line arrived. Returns false to abort.
    func receiveHeader(_ line: UnsafeRawBufferPointer) -> Bool {
        sawFirstByte = true
        heardFrom()
        guard head.take(line), let easy else { return true }
        var code = 0
        _ = shim_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
        head.endBlock(status: code)
        guard head.isComplete else { return true }
        status = code
        if streaming {
            if RedirectPolicy.isRedirect(code) { discardBody = true } else { deliverHead() }
        } else {
            var length: curl_off_t = -1
            if shim_curl_getinfo_off(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK, length > 0 {
                body.reserveCapacity(min(Int(length), hop.maxResponseBytes, 1 << 20))
            }
        }
        return true
    }

    /// Body bytes arrived (decoded). Returns false to abort.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        sawFirstByte = true
        heardFrom()
        received += bytes.count
        if received > hop.maxResponseBytes {
            abortError = TransportError(
                .tooLarge, "\(hop.context): the response is larger than \(hop.maxResponseBytes) bytes")
            return false
        }
        if discardBody || bytes.isEmpty { return true }
        if streaming {
            deliverHead()
            bodyContinuation?.yield(Array(bytes))
        } else {
            body.append(contentsOf: bytes)
        }
        return true
    }

    /// Moves the silence deadline on: a byte just arrived.
    private func heardFrom() {
        guard let idleMs = hop.idleMs else { return }
        silenceDeadline = MonotonicTime.nanoseconds() &+ UInt64(idleMs) &* 1_000_000
    }

    private func deliverHead() {
        guard let stream = bodyStream else { return }
        bodyStream = nil
        if status == 0, let easy {
            var code = 0
            _ = shim_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
            status = code
        }
        resume(.success(.streaming(HTTPStreamingResponse(status: status, headers: head.headers, body: stream))))
    }

    /// The outcome delivered to an inline transfer (once).
    func takeInlineOutcome() -> Result<CurlHopOutcome, TransportError> {
        defer { inlineOutcome = nil }
        return inlineOutcome ?? .failure(TransportError(.other, "\(hop.context): unexpected transfer outcome"))
    }

    private func resume(_ result: Result<CurlHopOutcome, TransportError>) {
        guard let completion else {
            if !streaming, inlineOutcome == nil { inlineOutcome = result }
            return
        }
        self.completion = nil
        completion.resume(returning: result)
    }
}
