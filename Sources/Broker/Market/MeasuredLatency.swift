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

/// One successful attempt as the ledger recorded it, for ``MeasuredLatency``.
struct MeasuredAttempt {
    var latencyMs: Int64
    var firstTokenMs: Int64?
    var outputTokens: Int64?
}

extension MeasuredLatency {
    /// The figures of `attempts`; nil when there are none. Medians are lower medians (an
    /// element of the data, so always whole).
    init?(attempts: [MeasuredAttempt]) {
        guard !attempts.isEmpty else { return nil }
        let latencies = attempts.map(\.latencyMs)
        let throughputs = attempts.compactMap { a -> Int64? in
            guard let tokens = a.outputTokens, tokens > 0 else { return nil }
            // Generation time: after the first token when streamed, else the whole call.
            return tokens * 1000 / max(1, a.latencyMs - (a.firstTokenMs ?? 0))
        }
        self.init(
            samples: attempts.count, medianLatencyMs: Self.lowerMedian(latencies) ?? 0,
            averageLatencyMs: latencies.reduce(0, +) / Int64(latencies.count),
            medianFirstTokenMs: Self.lowerMedian(attempts.compactMap(\.firstTokenMs)),
            medianOutputTokensPerSecond: Self.lowerMedian(throughputs))
    }

    static func lowerMedian(_ values: [Int64]) -> Int64? {
        guard !values.isEmpty else { return nil }
        return values.sorted()[(values.count - 1) / 2]
    }
}
