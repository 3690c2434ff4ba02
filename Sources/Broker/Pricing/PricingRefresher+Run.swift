extension PricingRefresher {
    /// Refreshes on `schedule` until the task is cancelled: `broker refresh --every` and
    /// `broker serve`'s background refresh are this one loop.
    ///
    /// Each round takes the providers due (``RefreshSchedule``) at ``now``, refreshes them with
    /// ``refreshOnce(keys:fresh:progress:)`` (after the first round, skipping a provider whose
    /// last successful refresh, by any process, is younger than its period) and hands the results to `afterRound` with the round's
    /// start; between rounds it sleeps on `clock` until the next provider is due, at least a
    /// tenth of a second. Tests pass a clock they advance by hand (with a `now` that reads it),
    /// so a schedule of hours is tested without sleeping.
    ///
    /// - Parameters:
    ///   - immediately: refresh everyone at once; otherwise everyone counts as refreshed now
    ///     (by the last process) and the first round waits for the first provider due.
    ///   - progress: sees each provider's result as it comes.
    ///   - afterRound: sees each round's results, in registry order (not called for a round
    ///     that cancellation cut short, in which every provider failed).
    public func run<C: Clock>(
        schedule: RefreshSchedule, clock: C, immediately: Bool = true,
        progress: @escaping @Sendable (RefreshResult) -> Void = { _ in },
        afterRound: (_ results: [RefreshResult], _ startedMs: Int64) async -> Void = { _, _ in }
    ) async where C.Duration == Duration {
        var schedule = schedule
        // Each round starts when its providers are taken as due; that instant is recorded as
        // each refresh's start, so a provider's next round is never less than its period after
        // the refresh this process recorded for it (which the freshness rule would skip).
        var started = now()
        var due = schedule.takeDue(atMs: started)
        if !immediately { due = [] }
        var skipsFresh = !immediately
        let periods = Dictionary(schedule.periods.map { ($0.key, $0.ms) }, uniquingKeysWith: min)
        while !Task.isCancelled {
            if !due.isEmpty {
                // A provider another process refreshed within its period is left alone (one
                // fetch per period across the instances sharing the store); a refresh at start is not.
                let fresh = Freshness(roundStartedMs: started, periodMs: skipsFresh ? periods : [:])
                skipsFresh = true
                let results = await refreshOnce(keys: due, fresh: fresh, progress: progress)
                if Task.isCancelled && results.allSatisfy({ $0.run.status == .failed }) { return }
                await afterRound(results, started)
            }
            let wait = max(100, schedule.sleepMs(atMs: now()))
            do { try await clock.sleep(for: .milliseconds(wait)) } catch { return }
            started = now()
            due = schedule.takeDue(atMs: started)
        }
    }
}
