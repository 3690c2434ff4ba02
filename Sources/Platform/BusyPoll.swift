#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization

/// Brief busy-polling of a socket before a thread blocks on it, for a lightly loaded server.
///
/// A thread that blocks in `poll` is put to sleep, and the kernel must wake it (often on an
/// idle CPU, which on a virtual machine means an inter-processor interrupt and a halted vCPU
/// coming back) when the answer arrives. A thread that keeps polling for a few tens of
/// microseconds sees an answer that arrives in that window at once. The broker uses it in two
/// places: waiting for an upstream's answer, and waiting for a client's next request on a
/// kept-alive connection.
///
/// It costs CPU, so it is off by default (window 0). It only spins while the process has at
/// most one request in flight (see ``requestStarted()``), stops as soon as another request
/// comes in, and lets no more threads spin than the process has cores less one (none on one
/// core; see ``useCores(_:)``): under load, threads block as usual.
///
/// A value, not a process global: `broker serve` makes one and hands it to its server (which
/// counts requests and spins while waiting for a client) and to its transport (which spins
/// while waiting for a provider).
public final class BusyPoll: Sendable {
    private let windowNanoseconds = Atomic<Int>(0)
    private let inFlight = Atomic<Int>(0)
    private let spinners = Atomic<Int>(0)
    private let maxSpinners: Atomic<Int>

    /// A policy spinning up to `windowMicroseconds` (0, the default: off) on `cores` (the
    /// machine's online cores when nil; see ``useCores(_:)``).
    public init(windowMicroseconds: Int = 0, cores: Int? = nil) {
        maxSpinners = Atomic(max(0, (cores ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) - 1))
        self.windowMicroseconds = windowMicroseconds
    }

    /// Leaves one of `cores` (the cores the process may use, which a container or `taskset`
    /// narrows) for the other side to answer on: at most `cores − 1` threads spin at once, and
    /// none on a single core. The default counts the machine's online cores.
    public func useCores(_ cores: Int) { maxSpinners.store(max(0, cores - 1), ordering: .relaxed) }

    /// How long one wait may spin before blocking, in microseconds; 0 turns busy-polling off.
    public var windowMicroseconds: Int {
        get { windowNanoseconds.load(ordering: .relaxed) / 1_000 }
        set { windowNanoseconds.store(max(0, newValue) * 1_000, ordering: .relaxed) }
    }

    /// A request has begun (the load the policy looks at).
    public func requestStarted() { inFlight.add(1, ordering: .relaxed) }

    /// A request has ended.
    public func requestEnded() { inFlight.subtract(1, ordering: .relaxed) }

    /// The requests in flight now (as counted by ``requestStarted()`` and ``requestEnded()``).
    public var requestsInFlight: Int { inFlight.load(ordering: .relaxed) }

    /// Polls `fd` for input without sleeping until it is readable (or has an error or hang-up)
    /// or the window has passed, when the policy allows: at most `maxInFlight` requests in
    /// flight and a spinner slot free.
    /// - Returns: whether the socket became ready while spinning (false when it did not spin).
    @discardableResult
    public func spin(fd: Int32, maxInFlight: Int) -> Bool {
        guard fd >= 0 else { return false }
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return spin(maxInFlight: maxInFlight) { poll(&entry, 1, 0) != 0 }
    }

    /// Calls `ready` (a non-blocking check) again and again until it returns true or the window
    /// has passed, when the policy allows (see ``spin(fd:maxInFlight:)``).
    /// - Returns: whether `ready` returned true (false when it did not spin).
    public func spin(maxInFlight: Int, until ready: () -> Bool) -> Bool {
        let window = windowNanoseconds.load(ordering: .relaxed)
        guard window > 0, inFlight.load(ordering: .relaxed) <= maxInFlight else { return false }
        guard spinners.add(1, ordering: .acquiring).newValue <= maxSpinners.load(ordering: .relaxed) else {
            spinners.subtract(1, ordering: .releasing)
            return false
        }
        defer { spinners.subtract(1, ordering: .releasing) }
        let deadline = MonotonicTime.nanoseconds() + UInt64(window)
        repeat {
            if ready() { return true }
            // Another request has come in: give the CPU back rather than spin beside it.
            if inFlight.load(ordering: .relaxed) > maxInFlight { return false }
        } while MonotonicTime.nanoseconds() < deadline
        return false
    }
}
