extension MarketplaceStore {
    /// Takes the named lease for `owner` until `nowMs + ttlMs`, when it is free, expired
    /// or already `owner`'s (which renews it). Returns whether `owner` holds it now.
    ///
    /// Lets several broker processes agree that only one refreshes a provider at a time.
    public func acquireLease(_ name: String, owner: String, nowMs: Int64, ttlMs: Int64) throws -> Bool {
        try db.inTransaction(.immediate) {
            try db.run(
                """
                INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                WHERE leases.owner = excluded.owner OR leases.expires_at <= ?
                """, [.text(name), .text(owner), .integer(nowMs + ttlMs), .integer(nowMs)])
            return db.changes > 0
        }
    }

    /// Gives the named lease back, if `owner` holds it.
    public func releaseLease(_ name: String, owner: String) throws {
        try db.inTransaction(.immediate) {
            try db.run("DELETE FROM leases WHERE name = ? AND owner = ?", [.text(name), .text(owner)])
        }
    }

    /// Who holds the named lease, if anyone.
    public func leaseOwner(_ name: String) throws -> String? {
        try db.firstRow("SELECT owner FROM leases WHERE name = ?", [.text(name)]) { $0.text(0) }
    }

    /// Removes the named lease if `holder` still holds it.
    public func breakLease(_ name: String, heldBy holder: String) throws {
        try db.inTransaction(.immediate) {
            try db.run("DELETE FROM leases WHERE name = ? AND owner = ?", [.text(name), .text(holder)])
        }
    }
}
