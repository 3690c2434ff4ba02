import ProviderInterface

/// Which providers a periodic refresh takes, and when: each provider at least every loop
/// interval (`refresh --every`, `serve --refresh-every`) and at least as often as its own
/// registry `refresh_every`, so no provider's offers go stale (stale is two of its own
/// intervals) because the loop runs less often than the provider asks.
///
/// A value type: the loop calls ``takeDue(atMs:)``, refreshes what it returns and sleeps
/// ``sleepMs(atMs:)``.
public struct RefreshSchedule: Sendable {
    /// The loop's interval in milliseconds.
    public let intervalMs: Int64
    /// Each scheduled provider's period (the smaller of the loop's interval and its own, which
    /// counts as at least a second), in registry order.
    public let periods: [(key: String, ms: Int64)]
    private var lastRunMs: [String: Int64] = [:]

    /// A schedule for `entries` on a loop of `intervalMs`.
    public init(intervalMs: Int64, entries: [ProviderEntry]) {
        self.intervalMs = intervalMs
        periods = entries.map { entry in
            (entry.key, min(intervalMs, max(1_000, Int64(entry.refreshIntervalSeconds) * 1_000)))
        }
    }

    /// The providers due at `nowMs`, in registry order: those never refreshed by this loop and
    /// those whose period has passed since their last round.
    public func due(atMs nowMs: Int64) -> [String] {
        periods.filter { p in lastRunMs[p.key].map { nowMs - $0 >= p.ms } ?? true }.map(\.key)
    }

    /// Records that `keys` were refreshed in a round that started at `startedMs`.
    public mutating func ran(_ keys: [String], atMs startedMs: Int64) {
        for key in keys { lastRunMs[key] = startedMs }
    }

    /// The providers due at `nowMs`, recorded as refreshed in a round that starts then.
    public mutating func takeDue(atMs nowMs: Int64) -> [String] {
        let keys = due(atMs: nowMs)
        ran(keys, atMs: nowMs)
        return keys
    }

    /// How long from `nowMs` until the next provider is due (0 when one is due now).
    public func sleepMs(atMs nowMs: Int64) -> Int64 {
        let next = periods.map { p in lastRunMs[p.key].map { $0 + p.ms } ?? nowMs }.min() ?? (nowMs + intervalMs)
        return max(0, next - nowMs)
    }
}
