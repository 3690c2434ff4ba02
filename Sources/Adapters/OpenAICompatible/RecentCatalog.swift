import ProviderInterface
import Synchronization

/// The catalog an adapter listed last, so that `getPricing()` right after `listModels()` —
/// what a refresh does — reads the prices from it instead of fetching the same list again.
/// Taken once: a later `getPricing()` fetches fresh data.
final class RecentCatalog: Sendable {
    /// How long a listed catalog may be reused.
    static let reuseWindow = Duration.seconds(60)

    private let state = Mutex<(catalog: ModelCatalog, at: ContinuousClock.Instant)?>(nil)

    /// An empty memory.
    init() {}

    /// Remembers a catalog just listed.
    func remember(_ catalog: ModelCatalog) {
        state.withLock { $0 = (catalog, ContinuousClock.now) }
    }

    /// The remembered catalog when it is recent, forgetting it.
    func take() -> ModelCatalog? {
        state.withLock { memory in
            defer { memory = nil }
            guard let memory, ContinuousClock.now - memory.at < Self.reuseWindow else { return nil }
            return memory.catalog
        }
    }
}
