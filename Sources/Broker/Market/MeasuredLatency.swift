/// The broker's own latency and throughput figures for one offer, from successful
/// attempts in the usage ledger (for the `fastest` policy).
public struct MeasuredLatency: Sendable, Hashable {
    /// Successful attempts the figures are taken from.
    public var samples: Int
    /// Median time to the whole answer, in milliseconds.
    public var medianLatencyMs: Int64
    /// Mean time to the whole answer, in milliseconds (rounded down).
    public var averageLatencyMs: Int64
    /// Median time to first token, in milliseconds, over attempts that recorded one.
    public var medianFirstTokenMs: Int64?
    /// Median output tokens per second, over attempts that reported output tokens.
    public var medianOutputTokensPerSecond: Int64?

    /// Figures.
    public init(
        samples: Int, medianLatencyMs: Int64, averageLatencyMs: Int64, medianFirstTokenMs: Int64? = nil,
        medianOutputTokensPerSecond: Int64? = nil
    ) {
        self.samples = samples
        self.medianLatencyMs = medianLatencyMs
        self.averageLatencyMs = averageLatencyMs
        self.medianFirstTokenMs = medianFirstTokenMs
        self.medianOutputTokensPerSecond = medianOutputTokensPerSecond
    }
}
