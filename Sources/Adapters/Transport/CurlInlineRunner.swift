import CCurl
import Platform
import ProviderInterface
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs buffered transfers on the calling thread, for threads that may block (a server's
/// connection thread running its request's task): the thread sends, waits on the socket and
/// reads the answer itself, with no hand-off to the loop thread and back (two thread
/// wake-ups per request less).
///
/// One per thread that sends while ``BlockingThreads/isAllowed``, with its own multi
/// handle (so its own kept-alive connections) and easy handles, freed when the thread ends.
/// Timeouts, size limit, redirects and cancellation behave as on the loop thread.
final class CurlInlineRunner: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private var easy: UnsafeMutableRawPointer?

    private init?() {
        guard CurlGlobal.isReady, let multi = curl_multi_init() else { return nil }
        self.multi = multi
    }

    deinit {
        if let easy { curl_easy_cleanup(easy) }
        curl_multi_cleanup(multi)
    }

    /// Ends the wait of a running ``perform(_:)`` early (thread-safe).
    func wake() { curl_multi_wakeup(multi) }

    /// Runs `transfer` to its end on this thread.
    func perform(_ transfer: CurlTransfer, busyPoll: BusyPoll?) -> Result<CurlHopOutcome, TransportError> {
        if transfer.cancelRequested.load(ordering: .acquiring) {
            return .failure(TransportError(.cancelled, "\(transfer.hop.context): cancelled"))
        }
        guard let handle = easy ?? curl_easy_init() else {
            return .failure(TransportError(.other, "\(transfer.hop.context): cannot create a curl handle"))
        }
        easy = nil
        defer {
            _ = curl_multi_remove_handle(multi, handle)
            if let used = transfer.detach() {
                curl_easy_reset(used)
                easy = used
            }
        }
        guard transfer.attach(handle, now: MonotonicTime.nanoseconds()),
            curl_multi_add_handle(multi, handle) == CURLM_OK
        else {
            return .failure(TransportError(.other, "\(transfer.hop.context): libcurl refused the request options"))
        }
        var spins = 0
        while true {
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard shim_curl_msg_is_done(message) != 0, message.pointee.easy_handle == handle else { continue }
                transfer.finish(shim_curl_msg_result(message))
                return transfer.takeInlineOutcome()
            }
            if transfer.cancelRequested.load(ordering: .acquiring) {
                transfer.deliver(TransportError(.cancelled, "\(transfer.hop.context): cancelled"))
                return transfer.takeInlineOutcome()
            }
            var waitMs: Int32 = 1_000
            if !transfer.sawFirstByte {
                let now = MonotonicTime.nanoseconds()
                guard transfer.firstByteDeadline > now else {
                    transfer.deliver(
                        TransportError(
                            .firstByteTimeout,
                            "\(transfer.hop.context): no response within \(transfer.hop.firstByteMs) ms"))
                    return transfer.takeInlineOutcome()
                }
                waitMs = Int32(min(1_000, (transfer.firstByteDeadline - now + 999_999) / 1_000_000))
            }
            // Lightly loaded: watch the socket for the answer rather than sleep until it comes.
            if spins < 8, busyPoll?.spin(maxInFlight: 1, until: { ready() }) == true {
                spins += 1
                continue
            }
            _ = curl_multi_poll(multi, nil, 0, waitMs, nil)
        }
    }

    /// Whether a socket of this runner's transfers has something to read, without waiting.
    private func ready() -> Bool {
        var events: Int32 = 0
        return curl_multi_wait(multi, nil, 0, 0, &events) == CURLM_OK && events > 0
    }

    // MARK: The calling thread's runner

    /// The current thread's runner, created on first use and freed when the thread ends;
    /// nil when libcurl cannot be set up.
    static func forCurrentThread() -> CurlInlineRunner? {
        runners.value(orMake: CurlInlineRunner.init)
    }

    private static let runners = ThreadLocal<CurlInlineRunner>()
}
