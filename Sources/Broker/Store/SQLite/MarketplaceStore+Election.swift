extension MarketplaceStore {
    /// How often ``offerChanges()`` looks for refreshes other processes committed.
    static let changePollInterval = Duration.seconds(1)

    /// Elects `owner` to refresh `provider`: the `refresh:<provider>` lease for `ttlMs`, taken
    /// over at once when the process holding it no longer runs (a refresh killed with
    /// SIGKILL) rather than after it expires; `nil` while a live holder has it.
    public func claimRefresh(_ provider: String, owner: String, nowMs: Int64, ttlMs: Int64) throws -> RefreshClaim? {
        let name = Self.refreshLeaseName(provider)
        let claim = RefreshClaim(provider: provider, owner: owner, session: 0)
        if try acquireLease(name, owner: owner, nowMs: nowMs, ttlMs: ttlMs) { return claim }
        guard let holder = try leaseOwner(name), !RefreshLease.isAlive(owner: holder) else { return nil }
        try breakLease(name, heldBy: holder)
        return try acquireLease(name, owner: owner, nowMs: nowMs, ttlMs: ttlMs) ? claim : nil
    }

    /// Gives the claim's lease back, if its owner still holds it.
    public func releaseRefresh(_ claim: RefreshClaim) throws {
        try releaseLease(Self.refreshLeaseName(claim.provider), owner: claim.owner)
    }

    /// In a write transaction: throws ``StoreError/Code/fenced`` unless the claim's owner still
    /// holds the lease (an expired lease nobody took over still holds: nobody else wrote).
    func checkClaim(_ claim: RefreshClaim) throws {
        let holder = try leaseOwner(Self.refreshLeaseName(claim.provider))
        guard holder == claim.owner else { throw StoreError.fenced(claim) }
    }

    /// Polls the store every second for successful refreshes other processes recorded since the
    /// last look (``successfulRefreshes(after:)``, a range of `refresh_runs` ids; this store's
    /// own are left out, its process knows of them): several processes on one file learn of each
    /// other's refreshes within about a second. A look that fails is
    /// tried again; after a failure the next good look reports ``OfferChange/all``.
    public nonisolated func offerChanges() -> AsyncStream<OfferChange> {
        AsyncStream { continuation in
            let task = Task { [self] in
                var last: Int64? = try? await latestRefreshID()
                var missed = false
                while !Task.isCancelled {
                    do { try await Task.sleep(for: Self.changePollInterval) } catch { break }
                    do {
                        guard let after = last else {
                            last = try await latestRefreshID()
                            continuation.yield(.all)
                            continue
                        }
                        let found = try await successfulRefreshes(after: after)
                        if missed { continuation.yield(.all) }
                        missed = false
                        for row in found.rows { continuation.yield(.provider(row.provider)) }
                        last = found.last
                    } catch {
                        missed = true
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The lease a provider's refresh holds.
    static func refreshLeaseName(_ provider: String) -> String { "refresh:" + provider }
}
