#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Platform
import Synchronization

/// A one-shot signal that a server is stopping, with a sleep that ends early when it fires.
///
/// Handlers and streaming producers that wait (a simulated slow first byte, a delay between
/// chunks) wait through ``sleep(milliseconds:)`` so that ``HTTPServer/stop()`` does not have to
/// wait for them: libmicrohttpd joins every connection thread on stop.
public final class StopSignal: Sendable {
    private let readFD: Int32
    private let writeFD: Mutex<Int32>
    private let fired = Atomic<Bool>(false)

    /// A signal that has not fired.
    public init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            readFD = fds[0]
            writeFD = Mutex(fds[1])
        } else {
            readFD = -1
            writeFD = Mutex(-1)
        }
    }

    deinit {
        if readFD >= 0 { close(readFD) }
        writeFD.withLock { fd in
            if fd >= 0 { close(fd) }
        }
    }

    /// Whether the signal has fired.
    public var isFired: Bool { fired.load(ordering: .acquiring) }

    /// Fires the signal: every current and future ``sleep(milliseconds:)`` returns at once.
    public func fire() {
        fired.store(true, ordering: .releasing)
        // Closing the write end makes the read end readable (end of file) for every poller at once.
        writeFD.withLock { fd in
            if fd >= 0 {
                close(fd)
                fd = -1
            }
        }
    }

    /// Sleeps for `milliseconds`, or less if the signal fires.
    /// - Returns: `true` when the full time passed, `false` when the signal fired.
    @discardableResult
    public func sleep(milliseconds: Int) -> Bool {
        if isFired { return false }
        guard milliseconds > 0 else { return true }
        let deadline = MonotonicTime.milliseconds() + milliseconds
        while true {
            if isFired { return false }
            let remaining = deadline - MonotonicTime.milliseconds()
            if remaining <= 0 { return true }
            var entry = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
            // Without a pipe (descriptor exhaustion) poll only times out: check the flag every 10 ms.
            let step = readFD >= 0 ? remaining : min(remaining, 10)
            _ = poll(&entry, 1, Int32(clamping: step))
        }
    }
}
