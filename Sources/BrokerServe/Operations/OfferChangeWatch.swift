import Broker
import Synchronization

/// Drops cached market views when another process commits a refresh
/// (``MarketStore/offerChanges()``): one provider's views for its change, every view after a
/// gap in the watch. So every instance on a shared store serves a refresh within about a second
/// of its commit, whichever instance refreshed.
final class OfferChangeWatch: Sendable {
    private let store: any MarketStore
    private let cache: MarketViewCache
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// A watch of `store` for `cache`.
    init(store: any MarketStore, cache: MarketViewCache) {
        self.store = store
        self.cache = cache
    }

    /// Starts watching (again after ``stop()``).
    func start() {
        let changes = store.offerChanges()
        let started = Task { [cache] in
            for await change in changes {
                switch change {
                case .provider(let provider): cache.invalidate(provider: provider)
                case .all: cache.invalidateAll()
                }
            }
        }
        task.withLock {
            $0?.cancel(); $0 = started
        }
    }

    /// Stops watching.
    func stop() {
        task.withLock {
            $0?.cancel()
            $0 = nil
        }
    }
}
