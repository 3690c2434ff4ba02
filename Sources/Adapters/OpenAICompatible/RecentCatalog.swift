import Platform
import ProviderInterface
import Synchronization

/// The catalog an adapter listed last, so that `getPricing()` right after `listModels()` —
/// what a refresh does — reads the prices from it instead of fetching the same list again.
/// Taken once: a later `getPricing()` fetches fresh data.
final class RecentCatalog: Sendable {
    /// How long a listed catalog may be reused, in milliseconds.
    static let reuseWindowMs = 60_000

    private let state = Mutex<(catalog: ModelCatalog, atMs: Int)?>(nil)

    /// An empty memory.
    init() {}

    /// Remembers a catalog just listed.
    func remember(_ catalog: ModelCatalog) {
        state.withLock { $0 = (catalog, MonotonicTime.milliseconds()) }
    }

    /// The remembered catalog when it is recent, forgetting it.
    func take() -> ModelCatalog? {
        state.withLock { memory in
            defer { memory = nil }
            guard let memory, MonotonicTime.milliseconds() - memory.atMs < Self.reuseWindowMs else { return nil }
            return memory.catalog
        }
    }
}
