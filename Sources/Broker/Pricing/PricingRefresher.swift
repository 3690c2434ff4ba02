import ProviderInterface

/// Builds a provider from a registry entry (the CLI passes the adapter factory).
public typealias ProviderFactory = @Sendable (ProviderEntry) throws(ProviderError) -> any ProviderInterface

/// The outcome of refreshing one provider: the contract's row, plus what was skipped and
/// what the store changed.
public struct RefreshResult: Sendable, Hashable {
    /// The row recorded in the store and printed by `broker refresh`.
    public var run: RefreshRun
    /// Catalog entries passed over, by reason.
    public var skipped: [String: Int]
    /// What the replace wrote, when the offers were replaced (`ok`); nil otherwise.
    public var changes: ReplaceOutcome?
    /// What a compute source's replace wrote (all zeros when its catalog was unchanged); nil otherwise.
    public var computeChanges: ComputeReplaceOutcome?

    /// Nothing was fetched: `run` is the store's latest successful refresh, which another
    /// process made within this provider's period (see ``PricingRefresher/Freshness``).
    public var refreshedElsewhere = false

    /// A result.
    public init(run: RefreshRun, skipped: [String: Int] = [:], changes: ReplaceOutcome? = nil) {
        self.run = run
        self.skipped = skipped
        self.changes = changes
    }
}

/// Lists models and prices from each enabled provider, concurrently, into the store.
///
/// Each provider's offers are replaced in one transaction; a provider that fails, or whose
/// new catalog is implausible, keeps its last good offers. `refreshOnce` is one round;
/// ``run(schedule:clock:immediately:progress:afterRound:)`` repeats rounds on a schedule until the task is cancelled.
public struct PricingRefresher: Sendable {
    /// The store written to.
    public var store: any MarketStore
    /// The registry.
    public var registry: Registry
    /// Builds providers from entries.
    public var factory: ProviderFactory
    /// The clock, in Unix milliseconds (injected for tests).
    public var now: @Sendable () -> Int64
    /// Accept implausible catalogs.
    public var force: Bool
    /// Who holds the per-provider refresh lease (process id and a random suffix).
    public var owner: String

    /// A refresher.
    public init(
        store: any MarketStore, registry: Registry, factory: @escaping ProviderFactory,
        now: @escaping @Sendable () -> Int64 = { Timestamp.nowMs() }, force: Bool = false, owner: String
    ) {
        self.store = store
        self.registry = registry
        self.factory = factory
        self.now = now
        self.force = force
        self.owner = owner
    }

    /// Refreshes the enabled providers (or just `keys`), all at once; `progress` is called
    /// as each finishes. Results come back in registry order.
    ///
    /// - Parameter fresh: the periodic loop's freshness rule (see ``Freshness``); without it
    ///   every provider is fetched (`broker refresh`, serve's refresh at start).
    public func refreshOnce(
        keys: [String] = [], fresh: Freshness? = nil, progress: @escaping @Sendable (RefreshResult) -> Void = { _ in }
    ) async -> [RefreshResult] {
        let entries = registry.entries.filter { keys.isEmpty ? $0.enabled : keys.contains($0.key) }
        return await withTaskGroup(of: (Int, RefreshResult).self) { group in
            for (i, entry) in entries.enumerated() {
                group.addTask {
                    let result = await refresh(entry, fresh: fresh)
                    progress(result)
                    return (i, result)
                }
            }
            var results: [(Int, RefreshResult)] = []
            for await r in group { results.append(r) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// When a periodic round leaves a provider alone: when the store's last successful refresh
    /// of it (by any process) started less than its period before the round. A provider with no
    /// period here is fetched (a refresh at start), still recorded as started with the round.
    public struct Freshness: Sendable {
        /// The round's start, recorded as each refresh's start, so an instance's own refresh
        /// one period ago never counts as fresh.
        public var roundStartedMs: Int64
        /// Each provider's period, by key (``RefreshSchedule/periods``).
        public var periodMs: [String: Int64]

        /// A rule.
        public init(roundStartedMs: Int64, periodMs: [String: Int64]) {
            self.roundStartedMs = roundStartedMs
            self.periodMs = periodMs
        }
    }

    /// Refreshes one provider: claim it (one refresher per provider across processes), skip it
    /// when another process refreshed it within its period (with `fresh`), list, price, check
    /// plausibility, replace (fenced by the claim), record.
    public func refresh(_ entry: ProviderEntry, fresh: Freshness? = nil) async -> RefreshResult {
        let started = fresh?.roundStartedMs ?? now()
        let claim: RefreshClaim
        do {
            guard
                let won = try await store.claimRefresh(
                    entry.key, owner: owner, nowMs: now(), ttlMs: RefreshLease.ttlMs(entry))
            else {
                let previous =
                    try await store.offerCount(provider: entry.key) + store.computeOfferCount(source: entry.key)
                return await record(
                    entry, .kept, models: 0, offers: previous, started: started,
                    error: "another refresh of this provider is running; its result will stand", persist: false)
            }
            claim = won
        } catch {
            return await record(
                entry, .failed, models: 0, offers: 0, started: started, error: storeFailure(error, doing: "write"))
        }
        var result: RefreshResult
        if let skipped = await refreshedElsewhere(entry, fresh: fresh) {
            result = skipped
        } else {
            result = await refreshHoldingClaim(entry, claim: claim, started: started)
        }
        do {
            try await store.releaseRefresh(claim)
        } catch {
            // Refreshes of this provider elsewhere now wait for the lease to expire: say so.
            result.run.status = .failed
            result.run.error = Self.adding(
                "the refresh lease was not released: " + storeFailure(error, doing: "write"),
                to: result.run.error)
        }
        return result
    }

    /// The store's last successful refresh of `entry` when it is fresh by `fresh`'s rule, as
    /// this round's result (marked ``RefreshResult/refreshedElsewhere``); `nil` to fetch. A
    /// store that cannot tell means fetching.
    private func refreshedElsewhere(_ entry: ProviderEntry, fresh: Freshness?) async -> RefreshResult? {
        guard let fresh, let period = fresh.periodMs[entry.key],
            let last = try? await store.lastSuccessfulRefresh(provider: entry.key),
            fresh.roundStartedMs - last.startedAt < period
        else { return nil }
        var result = RefreshResult(run: last)
        result.refreshedElsewhere = true
        return result
    }

    /// How a refresh reports a store failure: naming the store, as every command does.
    func storeFailure(_ error: any Error, doing: String) -> String {
        StoreFailure.message(error, path: store.path, doing: doing)
    }

    /// `note` after `error` (`; ` between), or `note` alone.
    static func adding(_ note: String, to error: String?) -> String {
        error.map { "\($0); \(note)" } ?? note
    }

    /// What a failed listing leaves: the offers `key` still has in the store, or why the store
    /// could not tell (a store failure, never "no offers").
    func kept(_ key: String, after error: any Error) async -> (offers: Int, error: String) {
        do {
            let previous = try await store.offerCount(provider: key)
            return (previous, previous > 0 ? "\(error); kept the last \(previous) offers" : "\(error)")
        } catch let storeError {
            return (0, Self.adding(storeFailure(storeError, doing: "read"), to: "\(error)"))
        }
    }

    private func refreshHoldingClaim(_ entry: ProviderEntry, claim: RefreshClaim, started: Int64) async
        -> RefreshResult
    {
        let catalog: ModelCatalog
        let quotes: [PriceQuote]
        do {
            let provider = try factory(entry)
            switch provider.catalogKind {
            case .models: break
            case .compute: return await refreshCompute(entry, provider: provider, claim: claim, started: started)
            case .exchangeRates: return await refreshRates(entry, provider: provider, started: started)
            }
            if entry.pricing.catalogIsTable {
                catalog = try await provider.listModels()
                quotes = []
            } else {
                (catalog, quotes) = try await provider.listModelsAndPricing()
            }
        } catch {
            let kept = await kept(entry.key, after: error)
            return await record(entry, .failed, models: 0, offers: kept.offers, started: started, error: kept.error)
        }
        let offers = OfferAssembler.offers(entry: entry, catalog: catalog, quotes: quotes, nowMs: now())
        let models = Self.distinctModels(offers)
        let changes: ReplaceOutcome
        do {
            let previous = try await store.offerCount(provider: entry.key)
            if let reason = CatalogPlausibility.rejection(previous: previous, new: offers.count, force: force) {
                return await record(
                    entry, offers.isEmpty && previous == 0 ? .failed : .kept, models: models, offers: previous,
                    started: started, error: reason, skipped: catalog.skipped)
            }
            changes = try await store.replaceOffers(provider: entry.key, offers: offers, nowMs: now(), fencedBy: claim)
        } catch {
            return await record(
                entry, .failed, models: models, offers: 0, started: started, error: storeFailure(error, doing: "write"))
        }
        var result = await record(
            entry, .ok, models: models, offers: offers.count, started: started, error: nil, skipped: catalog.skipped)
        result.changes = changes
        return result
    }

    /// How many distinct model ids `offers` hold, through digests (exact: a repeated
    /// digest is confirmed by comparing the ids).
    static func distinctModels(_ offers: [Offer]) -> Int {
        var seen = DigestSet(capacity: offers.count)
        var count = 0
        offers.withUnsafeBufferPointer { buffer in
            for i in buffer.indices {
                var digest = OfferFingerprint()
                digest.add(buffer[i].model)
                if seen.insert(digest.value, index: i, same: { buffer[$0].model == buffer[i].model }) { count += 1 }
            }
        }
        return count
    }

    func record(
        _ entry: ProviderEntry, _ status: RefreshStatus, models: Int, offers: Int, started: Int64, error: String?,
        skipped: [String: Int] = [:], persist: Bool = true
    ) async -> RefreshResult {
        var run = RefreshRun(
            provider: entry.key, status: status, models: models, offers: offers, durationMs: max(0, now() - started),
            error: error, startedAt: started)
        if persist {
            do {
                try await store.recordRefresh(run)
            } catch {
                // What was refreshed stands, but `providers` and `serve` will not know: a failure.
                run.status = .failed
                run.error = Self.adding(
                    "the refresh was not recorded: " + storeFailure(error, doing: "write"), to: run.error)
            }
        }
        return RefreshResult(run: run, skipped: skipped)
    }
}
