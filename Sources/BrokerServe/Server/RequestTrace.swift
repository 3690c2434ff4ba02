import Broker
import ProviderInterface
import Synchronization

/// What one served request learns while the runner works: which offer is being tried (so a
/// stream's headers can name it before the run ends) and how long was spent waiting on
/// providers (so the broker's own added latency can be measured).
///
/// Carried as a task-local value from the request's task into ``TracingProvider``.
final class RequestTrace: Sendable {
    @TaskLocal static var current: RequestTrace?

    private struct State {
        var offer: OfferKey?
        var upstreamNanos: UInt64 = 0
        var lastError: ProviderError?
    }

    private let state = Mutex(State())

    /// The offer of the latest attempt.
    var offer: OfferKey? { state.withLock { $0.offer } }
    /// Nanoseconds spent inside provider calls.
    var upstreamNanos: UInt64 { state.withLock { $0.upstreamNanos } }

    /// The latest provider error (for `Retry-After` pass-through).
    var lastError: ProviderError? { state.withLock { $0.lastError } }

    func failed(_ error: ProviderError) { state.withLock { $0.lastError = error } }
    func attemptStarted(_ offer: OfferKey) { state.withLock { $0.offer = offer } }
    func addUpstream(_ nanos: UInt64) { state.withLock { $0.upstreamNanos += nanos } }
}
