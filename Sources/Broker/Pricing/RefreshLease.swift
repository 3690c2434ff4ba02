import ProviderInterface

#if canImport(Glibc)
    import Glibc
#endif

/// The per-provider refresh lease of a SQLite store (``MarketplaceStore/claimRefresh(_:owner:nowMs:ttlMs:)``):
/// one refresh of a provider at a time across processes.
///
/// The owner is `pid-<pid>-<random>` for `broker refresh`. A lease whose owning process no
/// longer exists (a refresh killed with SIGKILL) is taken over at once rather than blocking
/// refreshes until it expires.
enum RefreshLease {
    /// How long a refresh of `entry` holds its lease before others may take it: ten times its
    /// timeout, at least ten minutes.
    static func ttlMs(_ entry: ProviderEntry) -> Int64 { Int64(max(entry.timeoutMs, 60_000)) * 10 }

    /// Whether the process named in an owner string still runs on this machine.
    static func isAlive(owner: String) -> Bool {
        let parts = owner.split(separator: "-")
        guard parts.count >= 2, parts[0] == "pid", let pid = Int32(parts[1]), pid > 0 else { return true }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
