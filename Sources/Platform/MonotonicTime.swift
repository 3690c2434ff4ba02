#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one monotonic clock of the broker's own code (`CLOCK_MONOTONIC`): cheap enough to read on
/// every loop turn, never set back by a wall-clock change. For deadlines, timeouts and latency
/// figures; for dates, use the wall clock.
public enum MonotonicTime {
    /// Now, in nanoseconds since an arbitrary origin (fixed while the machine runs).
    @inline(__always)
    public static func nanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// Now, in whole milliseconds since the same origin as ``nanoseconds()``.
    public static func milliseconds() -> Int { Int(nanoseconds() / 1_000_000) }
}
