import ProviderInterface

/// The marketplace store and usage ledger as the rest of the broker uses it: offers and
/// their refreshes, compute offers, exchange rates, refresh leases and the usage ledger.
///
/// ``MarketplaceStore`` (SQLite, `Store/SQLite/`) is the embedded implementation; a shared
/// backend (PostgreSQL, `--store postgresql://…`) is another actor conforming to this
/// protocol. Routing, refreshing, the CLI and the server hold an `any MarketStore` and never
/// see SQL.
///
/// Implementation requirements:
/// - **Errors.** A database that cannot be opened, read or written throws an error conforming
///   to ``StoreBackendError`` that names the store; `isTemporary` is true only when waiting
///   may help (another process held a lock past the busy timeout). Never answer a failure with
///   an empty result: "nothing stored" and "could not read" must stay distinguishable.
/// - **Transactions.** Each write is one transaction that either lands whole or not at all
///   (a replace keeps the old offers when it fails). ``marketSnapshot(_:attemptWindow:recent:)``,
///   ``queryOffers(_:)`` and ``queryComputeOffers(_:)`` read one consistent snapshot.
/// - **Several processes.** Several broker processes may share one store: writes wait out each
///   other's locks; ``acquireLease(_:owner:nowMs:ttlMs:)`` lets one refresh a provider at a time.
/// - **Money** is stored and summed as exact integers (pico-units); a sum that would not fit in
///   64 bits throws ``StoreError/Code/overflow``, never a rounded or wrapped value. Unknown
///   prices stay unknown (NULL), never zero.
/// - **Time** is Unix milliseconds passed in by the caller, so tests control the clock.
/// - **Idempotent ledger.** An attempt already recorded (same request id and attempt number)
///   is skipped, so a retried write never counts a request, or its cost, twice.
/// - **No secrets.** The store never holds credentials; descriptions of its errors hold no
///   bound values (prices, prompts, request ids).
public protocol MarketStore: Actor {
    /// Where the store is, as users name it (a file path; a URI without its password).
    nonisolated var path: String { get }

    /// How long a ledger commit on the writer's thread waits for another writer's lock, in
    /// milliseconds (one on a caller's thread does not wait).
    nonisolated var ledgerBusyTimeoutMs: Int32 { get }

    /// A blocking connection of its own to the same database, for ``LedgerWriter``'s group
    /// commits; its commits report what they leave for housekeeping to `size`.
    nonisolated func openLedgerConnection(reportingLogTo size: LedgerLogSize) throws -> any LedgerConnection

    // MARK: Offers

    /// The offers matching `query`, filtered and ordered by the store (see ``MarketQuery``).
    func queryOffers(_ query: MarketQuery) throws -> [Offer]
    /// Routing's read of a market: the offers matching `query` with each one's measured figures
    /// (from its `recent` latest successful attempts), its latest `attemptWindow` attempts, and
    /// the reference rates when an offer is priced in another currency; one call, one snapshot.
    func marketSnapshot(_ query: MarketQuery, attemptWindow: Int, recent: Int) throws -> MarketSnapshot
    /// Replaces every stored offer of `provider` with `offers` in one transaction, recording
    /// price changes; when anything throws the old offers stay.
    func replaceOffers(provider: String, offers: [Offer], nowMs: Int64) throws -> ReplaceOutcome
    /// The number of stored offers of `provider`.
    func offerCount(provider: String) throws -> Int
    /// The recorded price changes of `model` (of one provider's offers, when given), oldest first.
    func priceHistory(model: String, provider: String?) throws -> [PriceChange]
    /// Which of `offers` disagree on price with another source for the same weights and
    /// serving endpoint, beyond `toleranceBasisPoints`.
    func disputedOffers(among offers: [Offer], toleranceBasisPoints: Int64) throws -> Set<OfferKey>

    // MARK: Refreshes and leases

    /// Records one provider's refresh, whatever its outcome.
    func recordRefresh(_ run: RefreshRun) throws
    /// The latest refresh of every provider ever refreshed, ordered by provider key.
    func lastRefreshes() throws -> [RefreshRun]
    /// Takes the named lease for `owner` until `nowMs + ttlMs` when it is free, expired or
    /// already `owner`'s; returns whether `owner` holds it now.
    func acquireLease(_ name: String, owner: String, nowMs: Int64, ttlMs: Int64) throws -> Bool
    /// Gives the named lease back, if `owner` holds it.
    func releaseLease(_ name: String, owner: String) throws
    /// Who holds the named lease, if anyone.
    func leaseOwner(_ name: String) throws -> String?
    /// Removes the named lease if `holder` still holds it (a holder that no longer runs).
    func breakLease(_ name: String, heldBy holder: String) throws

    // MARK: Compute offers and exchange rates

    /// Replaces `source`'s compute offers with `offers` and its catalog `version`, in one transaction.
    func replaceComputeOffers(source: String, offers: [ComputeOffer], version: String?, nowMs: Int64) throws
        -> ComputeReplaceOutcome
    /// Marks `source`'s stored compute offers as confirmed at `nowMs` (its catalog did not change).
    func confirmComputeOffers(source: String, nowMs: Int64) throws
    /// The catalog version stored for `source`, if any.
    func computeCatalogVersion(source: String) throws -> String?
    /// The number of stored compute offers of `source`.
    func computeOfferCount(source: String) throws -> Int
    /// The compute offers matching `query`, from one snapshot, cheapest first through the stored rates.
    func queryComputeOffers(_ query: ComputeQuery) throws -> [ComputeMarketOffer]
    /// Stores a day's reference rates, unless the stored ones are for a later day.
    func storeExchangeRates(_ rates: ExchangeRates, nowMs: Int64) throws
    /// The stored reference rates (units per euro) with their day, or `nil` when none are stored.
    func exchangeRates() throws -> ExchangeRates?

    // MARK: Usage ledger

    /// Records one attempt; `false` when it was already recorded.
    @discardableResult
    func recordUsage(_ record: UsageRecord) throws -> Bool
    /// Records many attempts, and what client keys spent (pico-USD by key name), in one
    /// transaction, skipping attempts already recorded; returns the attempts written.
    @discardableResult
    func recordUsage(batch: [UsageRecord], charges: [String: Int64]) throws -> Int
    /// What each client key has spent so far, in pico-USD, by key name.
    func keySpending() throws -> [String: Int64]

    // MARK: Client keys' shared budgets and rates

    /// Reserves `amount` pico-USD of key `name`'s `budget` for `holder` (a `broker serve`
    /// instance), in one atomic step: granted only when what the key spent, plus what every
    /// instance holds reserved, plus `amount` stays within `budget`. The holder's reservations of
    /// the key expire `holdMs` after its latest one; a refusal first frees expired ones (an
    /// instance that stopped without settling) and tries again.
    func reserveKeyBudget(_ name: String, amount: Int64, budget: Int64, holder: String, nowMs: Int64, holdMs: Int64)
        throws -> KeyBudgetState
    /// Settles what `holder` reserved for one or more requests of key `name`: releases
    /// `released` (at most what the holder still holds) and adds `spent` to the key's spending,
    /// in one transaction. A sum past 2^63 pico-USD throws ``StoreError/Code/overflow``.
    @discardableResult
    func settleKeyBudget(_ name: String, holder: String, released: Int64, spent: Int64, nowMs: Int64) throws
        -> KeyBudgetState
    /// Takes one request from key `name`'s bucket of `perMinute` requests (refilled
    /// continuously), shared by every instance, in one atomic step.
    func takeKeyRequest(_ name: String, perMinute: Int64, nowMs: Int64) throws -> KeyRateTake
    /// Ledger totals since `sinceMs`, one row per group key (split again by `then`) and currency.
    func usage(sinceMs: Int64, by grouping: UsageGrouping, then: UsageGrouping?) throws -> [UsageRow]
    /// The whole ledger since `sinceMs`, one row per currency.
    func usageTotal(sinceMs: Int64) throws -> [UsageRow]
    /// Answered requests since `sinceMs` per group key, against the cheapest offer that fitted each.
    func savings(sinceMs: Int64, by grouping: UsageGrouping) throws -> [SavingsRow]
    /// Every attempt since `sinceMs`, oldest first (`broker audit requests`).
    func requestAttempts(sinceMs: Int64) throws -> [UsageRecord]
    /// The broker's own figures for every offer it has served, from each one's `recent`
    /// latest successful attempts.
    func measuredFigures(recent: Int) throws -> [OfferKey: MeasuredLatency]
}

extension MarketStore {
    /// ``marketSnapshot(_:attemptWindow:recent:)`` over each offer's latest 100 successful attempts.
    public func marketSnapshot(_ query: MarketQuery, attemptWindow: Int) throws -> MarketSnapshot {
        try marketSnapshot(query, attemptWindow: attemptWindow, recent: 100)
    }

    /// Every recorded price change of `model`, oldest first.
    public func priceHistory(model: String) throws -> [PriceChange] {
        try priceHistory(model: model, provider: nil)
    }

    /// ``disputedOffers(among:toleranceBasisPoints:)`` at the default tolerance.
    public func disputedOffers(among offers: [Offer]) throws -> Set<OfferKey> {
        try disputedOffers(among: offers, toleranceBasisPoints: PriceAudit.defaultToleranceBasisPoints)
    }

    /// Records many attempts in one transaction, with no key charges.
    @discardableResult
    public func recordUsage(batch: [UsageRecord]) throws -> Int {
        try recordUsage(batch: batch, charges: [:])
    }

    /// Ledger totals since `sinceMs`, one row per group key and currency.
    public func usage(sinceMs: Int64, by grouping: UsageGrouping) throws -> [UsageRow] {
        try usage(sinceMs: sinceMs, by: grouping, then: nil)
    }

    /// The broker's own figures for every offer it has served, from its latest 100 successful attempts.
    public func measuredFigures() throws -> [OfferKey: MeasuredLatency] {
        try measuredFigures(recent: 100)
    }
}
