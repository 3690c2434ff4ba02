import CCurl
import Platform
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One curl multi handle driven by one dedicated thread (never a Swift concurrency
/// thread). Tasks hand transfers to it through a lock-protected inbox and
/// `curl_multi_wakeup`; the thread resumes their continuations.
///
/// The thread keeps running until ``close()`` has been called and every transfer in
/// flight has ended; then it frees the easy handles and the multi handle.
final class CurlMultiLoop: Sendable {
    /// Work for the loop thread.
    enum Command {
        case start(CurlTransfer)
        case cancel(CurlTransfer)
    }

    private struct Inbox {
        var commands: [Command] = []
        /// No new transfers will come (the owning transport is gone).
        var closing = false
        /// The thread has ended and the multi handle is freed: nothing may wake it.
        var closed = false
    }

    private let inbox: Mutex<Inbox>
    /// Read from any thread only under the inbox lock, and only while not closed:
    /// `curl_multi_wakeup` is thread-safe, and the handle is freed only after `closed` is set.
    private nonisolated(unsafe) let multi: UnsafeMutableRawPointer?

    /// Starts the loop thread; if libcurl cannot be initialised, every transfer fails.
    init() {
        let multi = CurlGlobal.isReady ? curl_multi_init() : nil
        self.multi = multi
        self.inbox = Mutex(Inbox(closed: multi == nil))
        guard let multi else { return }
        _ = shim_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        if !PlatformThread.detach(name: "curl-loop", { [self] in runWorker() }) {
            inbox.withLock { $0.closed = true }
            curl_multi_cleanup(multi)
        }
    }

    /// Hands `transfer` to the loop. False if the loop has ended (the transfer never starts).
    func submit(_ transfer: CurlTransfer) -> Bool {
        post(.start(transfer))
    }

    /// Asks the loop to stop `transfer` with ``TransportError/Code/cancelled``, whether it
    /// is queued, running, or not yet submitted.
    func cancel(_ transfer: CurlTransfer) {
        transfer.cancelRequested.store(true, ordering: .releasing)
        _ = post(.cancel(transfer))
    }

    /// Whether the loop thread has ended and freed its handles.
    var isClosed: Bool { inbox.withLock { $0.closed } }

    /// No more transfers will be submitted: the thread ends once those in flight are done.
    func close() {
        inbox.withLock { inbox in
            guard !inbox.closed, !inbox.closing else { return }
            inbox.closing = true
            if let multi { curl_multi_wakeup(multi) }
        }
    }

    private func post(_ command: Command) -> Bool {
        inbox.withLock { inbox in
            guard !inbox.closed, let multi else { return false }
            // A non-empty inbox means a wake-up is already pending since the loop's last take.
            if inbox.commands.isEmpty { curl_multi_wakeup(multi) }
            inbox.commands.append(command)
            return true
        }
    }

    // MARK: Loop thread

    /// Takes every pending command; `closing` tells whether the owner is gone.
    func take() -> (commands: [Command], closing: Bool) {
        inbox.withLock { inbox in
            let commands = inbox.commands
            inbox.commands.removeAll(keepingCapacity: true)
            return (commands, inbox.closing)
        }
    }

    /// Marks the loop closed if nothing arrived since the last take. After this returns
    /// true no thread touches the multi handle, and the worker may free it.
    func closeIfIdle() -> Bool {
        inbox.withLock { inbox in
            guard inbox.commands.isEmpty else { return false }
            inbox.closed = true
            return true
        }
    }

    /// The loop thread's body: a worker owns the multi handle from here on.
    private func runWorker() {
        guard let multi else { return }
        CurlLoopWorker(loop: self, multi: multi).run()
    }
}
