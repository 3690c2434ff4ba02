import Broker
import Synchronization

/// Runs the pricing refresher in the background on an interval while the server serves, and
/// remembers each provider's last refresh and run of consecutive failures for `/health`.
final class RefreshLoop: Sendable {
    private struct State {
        var last: [String: RefreshRun] = [:]
        var consecutiveFailures: [String: Int] = [:]
        var rounds = 0
        var task: Task<Void, Never>?
    }

    private let refresher: PricingRefresher
    private let intervalMs: Int64?
    private let onResult: @Sendable (RefreshResult) -> Void
    private let onRound: @Sendable () -> Void
    private let state = Mutex(State())

    /// A loop over `refresher`; `onResult` sees each provider's result, `onRound` runs after each round.
    init(
        refresher: PricingRefresher, intervalMs: Int64?, onResult: @escaping @Sendable (RefreshResult) -> Void,
        onRound: @escaping @Sendable () -> Void
    ) {
        self.refresher = refresher
        self.intervalMs = intervalMs
        self.onResult = onResult
        self.onRound = onRound
    }

    /// The interval, when refreshing in the background.
    var interval: Int64? { intervalMs }

    /// Completed rounds since start.
    var rounds: Int { state.withLock { $0.rounds } }

    /// Each provider's latest refresh and its current run of failures.
    var status: [(run: RefreshRun, consecutiveFailures: Int)] {
        state.withLock { s in
            s.last.values.sorted { $0.provider < $1.provider }.map { ($0, s.consecutiveFailures[$0.provider] ?? 0) }
        }
    }

    /// Seeds the status from the store's last refreshes (a failed one counts as one failure).
    func seed(_ runs: [RefreshRun]) {
        state.withLock { s in
            for run in runs where s.last[run.provider] == nil {
                s.last[run.provider] = run
                s.consecutiveFailures[run.provider] = run.status == .failed ? 1 : 0
            }
        }
    }

    /// Starts the background loop: a round now when `immediately`, then each provider at
    /// least every interval and at least as often as its own `refresh_every` (see
    /// ``RefreshSchedule``).
    func start(immediately: Bool) {
        let task = Task { [self] in
            guard let intervalMs else {
                if immediately { await runOnce() }
                return
            }
            // The one refresh loop, as `broker refresh --every` runs it.
            await refresher.run(
                schedule: RefreshSchedule(intervalMs: intervalMs, entries: refresher.registry.enabled),
                clock: ContinuousClock(),
                immediately: immediately, progress: { [self] in record($0) },
                afterRound: { [self] _, _ in finishRound() })
        }
        state.withLock { $0.task = task }
    }

    /// Stops the loop (a round in progress is cancelled).
    func stop() {
        state.withLock { s in
            s.task?.cancel()
            s.task = nil
        }
    }

    /// One round over every enabled provider (or just `keys`).
    @discardableResult
    func runOnce(keys: [String] = []) async -> [RefreshResult] {
        let results = await refresher.refreshOnce(keys: keys) { [self] in record($0) }
        finishRound()
        return results
    }

    /// Remembers one provider's result for `/health`.
    private func record(_ result: RefreshResult) {
        state.withLock { s in
            s.last[result.run.provider] = result.run
            if result.run.status == .failed {
                s.consecutiveFailures[result.run.provider, default: 0] += 1
            } else {
                s.consecutiveFailures[result.run.provider] = 0
            }
        }
        onResult(result)
    }

    private func finishRound() {
        state.withLock { $0.rounds += 1 }
        onRound()
    }
}
