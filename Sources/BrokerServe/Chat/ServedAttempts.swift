import Broker
import ProviderInterface
import Synchronization

/// What one served request learns from its run's ``AttemptObserver`` reports: the offer being
/// tried (so a stream's headers can name it before the run ends), the time spent waiting on
/// providers (so the broker's own added latency can be measured) and the latest provider error
/// (for `Retry-After` pass-through). Each ended attempt is counted in the metrics as it ends.
///
/// One per request, made before its run; the runner reports to it from the run's task.
final class ServedAttempts: AttemptObserver {
    private struct State {
        var offer: OfferKey?
        var upstreamNanos: UInt64 = 0
        var lastError: ProviderError?
    }

    private let metrics: ServeMetrics
    private let state = Mutex(State())

    init(metrics: ServeMetrics) { self.metrics = metrics }

    /// The offer of the latest attempt.
    var offer: OfferKey? { state.withLock { $0.offer } }
    /// Nanoseconds spent inside provider calls.
    var upstreamNanos: UInt64 { state.withLock { $0.upstreamNanos } }
    /// The latest provider error.
    var lastError: ProviderError? { state.withLock { $0.lastError } }

    func attemptStarted(_ number: Int, offer: Offer) {
        let key = OfferKey(offer)
        state.withLock { $0.offer = key }
    }

    func attemptEnded(_ number: Int, offer: Offer, record: AttemptRecord, error: ProviderError?, upstreamNanos: UInt64)
    {
        state.withLock { s in
            s.upstreamNanos &+= upstreamNanos
            if let error { s.lastError = error }
        }
        metrics.attempt(provider: record.provider, servedBy: record.servedBy, outcome: record.outcome)
    }
}
