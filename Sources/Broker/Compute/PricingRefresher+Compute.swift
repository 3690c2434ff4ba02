import ProviderInterface

extension PricingRefresher {
    /// Refreshes one compute source under the same rules as model offers: a source that
    /// fails, or whose catalog is implausible (empty, shrunk by more than half) or outdated
    /// (published longer ago than it allows), keeps its last good offers and says why; an
    /// unchanged catalog (the same version) is confirmed without downloading it again.
    func refreshCompute(
        _ entry: ProviderEntry, provider: any ProviderInterface, claim: RefreshClaim, started: Int64
    ) async -> RefreshResult {
        let previous: Int
        let known: String?
        do {
            previous = try await store.computeOfferCount(source: entry.key)
            known = previous > 0 ? try await store.computeCatalogVersion(source: entry.key) : nil
        } catch {
            return await record(
                entry, .failed, models: 0, offers: 0, started: started, error: storeFailure(error, doing: "read"))
        }
        let catalog: ComputeCatalog
        do {
            catalog = try await provider.listComputeOffers(ComputeCatalogRequest(knownVersion: known))
        } catch {
            return await record(
                entry, .failed, models: 0, offers: previous, started: started,
                error: previous > 0 ? "\(error); kept the last \(previous) offers" : "\(error)")
        }
        if catalog.unchanged {
            do {
                try await store.confirmComputeOffers(source: entry.key, nowMs: now())
            } catch {
                return await record(
                    entry, .failed, models: 0, offers: previous, started: started,
                    error: storeFailure(error, doing: "write"))
            }
            var result = await record(
                entry, .ok, models: 0, offers: previous, started: started, error: nil, skipped: catalog.skipped)
            result.skipped["unchanged catalog version \(catalog.version ?? known ?? "")", default: 0] += 1
            result.computeChanges = ComputeReplaceOutcome(
                previousOffers: previous, offers: previous, priceChanges: 0, appeared: 0, removed: 0, inserted: 0,
                rewritten: 0)
            return result
        }
        let models = Set(catalog.offers.map(\.gpuModel)).count
        if let published = catalog.publishedAtMs, let maxAge = catalog.maxAgeMs, now() - published > maxAge, !force {
            let days = (now() - published) / 86_400_000
            return await record(
                entry, previous > 0 ? .kept : .failed, models: models, offers: previous, started: started,
                error:
                    "catalog \(catalog.version ?? "") was published \(days) days ago, more than the \(maxAge / 86_400_000) allowed; "
                    + (previous > 0 ? "kept the last \(previous) offers (they go stale)" : "nothing stored")
                    + " (use --force to accept)",
                skipped: catalog.skipped)
        }
        if let reason = CatalogPlausibility.rejection(previous: previous, new: catalog.offers.count, force: force) {
            return await record(
                entry, catalog.offers.isEmpty && previous == 0 ? .failed : .kept, models: models, offers: previous,
                started: started, error: reason.replacingListedNoModels, skipped: catalog.skipped)
        }
        let outcome: ComputeReplaceOutcome
        do {
            outcome = try await store.replaceComputeOffers(
                source: entry.key, offers: catalog.offers, version: catalog.version, nowMs: now(), fencedBy: claim)
        } catch {
            return await record(
                entry, .failed, models: models, offers: previous, started: started,
                error: storeFailure(error, doing: "write"))
        }
        var result = await record(
            entry, .ok, models: models, offers: outcome.offers, started: started, error: nil, skipped: catalog.skipped)
        result.computeChanges = outcome
        return result
    }

    /// Refreshes reference exchange rates: stores the day's rates; a failure keeps the last ones,
    /// and so does a document that lacks a currency the stored rates have (a broken or cut
    /// publication), unless forced. A holiday republishes the same day: stored again, unchanged.
    func refreshRates(_ entry: ProviderEntry, provider: any ProviderInterface, started: Int64) async -> RefreshResult {
        do {
            let rates = try await provider.referenceRates()
            if !force, let stored = try await store.exchangeRates() {
                let missing = stored.perEuro.keys.filter { rates.perEuro[$0] == nil }.sorted()
                if !missing.isEmpty {
                    return await record(
                        entry, .kept, models: 0, offers: stored.perEuro.count, started: started,
                        error:
                            "the rates of \(rates.date) lack \(missing.joined(separator: ", ")); kept the rates of \(stored.date) (use --force to accept)"
                    )
                }
            }
            try await store.storeExchangeRates(rates, nowMs: now())
            return await record(entry, .ok, models: 0, offers: rates.perEuro.count, started: started, error: nil)
        } catch {
            let kept: ExchangeRates?
            do {
                kept = try await store.exchangeRates()
            } catch let storeError {
                return await record(
                    entry, .failed, models: 0, offers: 0, started: started,
                    error: Self.adding(storeFailure(storeError, doing: "read"), to: "\(error)"))
            }
            return await record(
                entry, .failed, models: 0, offers: kept?.perEuro.count ?? 0, started: started,
                error: kept.map { "\(error); kept the rates of \($0.date)" } ?? "\(error)")
        }
    }
}

extension String {
    /// The plausibility messages speak of models; a compute source lists offers.
    fileprivate var replacingListedNoModels: String {
        replacingAll("listed no models", with: "listed no offers")
    }
}
