#if canImport(Glibc)
    import Glibc
#endif

/// The per-provider refresh lease: one refresh of a provider at a time across processes.
///
/// The owner is `pid-<pid>-<random>`. A lease whose owning process no longer exists (a
/// refresh killed with SIGKILL) is taken over at once rather than blocking refreshes until
/// it expires.
struct RefreshLease {
    let store: any MarketStore
    let name: String
    let owner: String
    let ttlMs: Int64

    /// Takes the lease; `false` when a live process holds it.
    func acquire(nowMs: Int64) async throws -> Bool {
        if try await store.acquireLease(name, owner: owner, nowMs: nowMs, ttlMs: ttlMs) { return true }
        guard let holder = try await store.leaseOwner(name), !Self.isAlive(owner: holder) else { return false }
        try await store.breakLease(name, heldBy: holder)
        return try await store.acquireLease(name, owner: owner, nowMs: nowMs, ttlMs: ttlMs)
    }

    /// Gives the lease back.
    /// - Throws: the store failure (refreshes elsewhere then wait for the lease to expire).
    func release() async throws {
        try await store.releaseLease(name, owner: owner)
    }

    /// Whether the process named in an owner string still runs on this machine.
    static func isAlive(owner: String) -> Bool {
        let parts = owner.split(separator: "-")
        guard parts.count >= 2, parts[0] == "pid", let pid = Int32(parts[1]), pid > 0 else { return true }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
