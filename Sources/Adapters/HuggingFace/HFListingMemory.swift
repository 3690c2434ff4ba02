import Synchronization

/// The hf-inference classic-task models of the last listing, so that `getPricing()` can
/// quote their compute-time prices (the router catalog lists chat models only).
final class HFListingMemory: Sendable {
    private let models = Mutex<[String]>([])

    /// Replaces the remembered models.
    func remember(_ ids: [String]) {
        var unique = Set<String>()
        let kept = ids.filter { unique.insert($0).inserted }
        models.withLock { $0 = kept }
    }

    /// The remembered models, in listing order.
    var computeModels: [String] { models.withLock { $0 } }
}
