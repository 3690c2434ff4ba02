import ProviderInterface

/// Told by ``InferenceRunner/run(_:plan:requestID:observer:onDelta:onChunk:onEvent:collectsAnswer:)``
/// about each attempt of one run as it happens, in order: `broker serve` names the offer in a
/// stream's headers before the run ends, counts attempts in its metrics, measures its own added
/// latency and passes a provider's `Retry-After` on.
///
/// Called on the run's task, between the runner's own steps: an observer returns quickly and
/// never waits. Its arguments are borrowed, so a report costs no allocation.
public protocol AttemptObserver: Sendable {
    /// Attempt `number` (1 for the first) is about to call `offer`'s provider.
    func attemptStarted(_ number: Int, offer: Offer)

    /// Attempt `number` at `offer` ended: `record` is its row in the result's `attempts`
    /// (outcome, status, latency, redacted error), `error` the provider's error when it failed
    /// (as thrown, for its `Retry-After`), `upstreamNanos` the monotonic time spent inside the
    /// provider call — the whole call for a plain answer, the opening of the stream for a streamed one.
    func attemptEnded(_ number: Int, offer: Offer, record: AttemptRecord, error: ProviderError?, upstreamNanos: UInt64)
}
