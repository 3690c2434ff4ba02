import Synchronization

/// Set by the caller (a cancelled task, a dropped stream) to stop a plugin run early.
final class PluginCancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    /// A flag that is not set.
    init() {}

    /// Asks the run to stop; the plugin is terminated.
    func cancel() { flag.store(true, ordering: .relaxed) }

    /// Whether ``cancel()`` was called.
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
