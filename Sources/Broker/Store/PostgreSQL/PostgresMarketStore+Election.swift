import Dispatch
import PostgresClient
import ProviderInterface

extension PostgresMarketStore {
    /// Elects this store's session to refresh `provider`: `pg_try_advisory_lock` on
    /// `refresh:<provider>` (the schema's name first, outside `public`), held on the connection
    /// that will write the refresh. A lost connection frees the lock and fails the write
    /// together; after a reconnect the claim is void (``replaceOffers(provider:offers:nowMs:fencedBy:)``
    /// refuses it). `nil` when another session, or another refresher on this store, holds it.
    /// `owner`, `nowMs` and `ttlMs` are not used: the session is the lease.
    public func claimRefresh(_ provider: String, owner: String, nowMs: Int64, ttlMs: Int64) throws -> RefreshClaim? {
        try withConnection {
            // A session may take its own advisory lock again: refreshers sharing this store must not.
            guard refreshClaims[provider] == nil else { return nil }
            guard try db.tryAdvisoryLock(refreshLockKey(provider)) else { return nil }
            refreshClaims[provider] = session
            return RefreshClaim(provider: provider, owner: owner, session: session)
        }
    }

    /// Releases the claim's advisory lock; nothing to do when its session is gone.
    public func releaseRefresh(_ claim: RefreshClaim) throws {
        guard refreshClaims[claim.provider] == claim.session else { return }
        refreshClaims[claim.provider] = nil
        guard claim.session == session, db.isConnected else { return }
        do {
            try withConnection { _ = try db.advisoryUnlock(refreshLockKey(claim.provider)) }
        } catch  where !db.isConnected {
            // The session ended on the way: its locks went with it.
        }
    }

    /// In the fenced write's transaction: throws ``StoreError/Code/fenced`` unless this
    /// session still holds the claim (the same session as when it was won, so its lock too).
    func checkClaim(_ claim: RefreshClaim) throws {
        guard claim.session == session, refreshClaims[claim.provider] == claim.session else {
            throw StoreError.fenced(claim)
        }
    }

    /// Tells the other instances' ``offerChanges()`` that `provider`'s refresh commits: a
    /// `pg_notify` in the caller's transaction, delivered at its commit, never on a rollback.
    func notifyOfferChange(_ provider: String) throws {
        try db.notify(offersChannel, payload: provider)
    }

    /// Other instances' committed refreshes as they arrive: a ``PostgresListener`` (a thread and
    /// a connection of its own) on the store's channel; this store's own are left out (its
    /// process knows of them). After it reconnects, ``OfferChange/all``:
    /// notifications sent while it was away are lost. Stops when the consumer stops iterating.
    public nonisolated func offerChanges() -> AsyncStream<OfferChange> {
        AsyncStream { continuation in
            let listener = PostgresListener(uri: uri, channels: [offersChannel]) { [self] event in
                switch event {
                case .notification(let notification):
                    if notification.senderPID != sessionPID.load(ordering: .relaxed) {
                        continuation.yield(.provider(notification.payload))
                    }
                case .connected(_, let reconnected): if reconnected { continuation.yield(.all) }
                case .disconnected: break
                }
            }
            // Stopping waits for the listener's thread (a quarter of a second at most): not on the caller's.
            continuation.onTermination = { _ in DispatchQueue.global().async { listener.stop() } }
        }
    }

    /// The advisory-lock key of `provider`'s refresh.
    func refreshLockKey(_ provider: String) -> Int64 {
        PostgresConnection.advisoryKey(for: schemaPrefix + "refresh:" + provider)
    }

    /// The notification channel of offer changes: `broker_offers` (with the schema after a
    /// colon, outside `public`).
    public nonisolated var offersChannel: String { schema == "public" ? "broker_offers" : "broker_offers:" + schema }

    /// What names this schema's locks apart from another schema's in the same database.
    private nonisolated var schemaPrefix: String { schema == "public" ? "" : schema + ":" }
}
