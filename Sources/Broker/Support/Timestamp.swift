#if canImport(Glibc)
    import Glibc
#endif

/// ISO 8601 UTC timestamps from Unix milliseconds, without Foundation's formatters.
public enum Timestamp {
    /// `2026-11-22T19:20:56Z` for a Unix time in milliseconds.
    public static func iso8601(ms: Int64) -> String {
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (y, m, d) = civilDate(daysSinceEpoch: days)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return
            "\(y)-\(two(m))-\(two(d))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }

    /// The UTC date `YYYY-MM-DD` of a Unix time in milliseconds.
    public static func day(ms: Int64) -> String { String(iso8601(ms: ms).prefix(10)) }

    /// Days since 1970-01-01 of a day written `YYYY-MM-DD` (Hinnant's days-from-civil);
    /// `nil` when it is not one.
    public static func daysSinceEpoch(day text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, let y0 = Int64(parts[0]), let m = Int64(parts[1]),
            let d = Int64(parts[2]),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Whole days from the day `text` (`YYYY-MM-DD`) to the UTC day of `nowMs`; `nil` when
    /// `text` is not a day.
    public static func daysSince(day text: String, nowMs: Int64) -> Int64? {
        guard let then = daysSinceEpoch(day: text) else { return nil }
        let today = (nowMs >= 0 ? nowMs : nowMs - 86_399_999) / 86_400_000
        return today - then
    }

    /// Howard Hinnant's days-to-civil algorithm.
    static func civilDate(daysSinceEpoch z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// The current Unix time in milliseconds.
    public static func nowMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
