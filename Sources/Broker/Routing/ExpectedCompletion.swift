/// How long an offer is expected to take to answer a request in full: the `fastest` policy's
/// figure.
///
/// Time to first token plus the expected output tokens over the throughput. The broker's
/// own medians (``MeasuredLatency``) are used once an offer has
/// ``minimumMeasuredSamples`` recent successful requests; otherwise the provider's
/// published `first_token_latency_ms` and throughput. So a high-throughput offer wins long
/// answers and a low-latency one wins short answers.
public struct ExpectedCompletion: Sendable, Hashable {
    /// Where the figure comes from.
    public enum Basis: String, Sendable, Hashable {
        /// The broker's own medians over enough recent successful requests.
        case measured
        /// The provider's published time to first token and throughput.
        case published
        /// Only part of the picture: one published figure, or too few measured requests.
        case partial
        /// Nothing known.
        case unknown

        /// The order `fastest` ranks estimates in: complete ones (measured or published) compete
        /// on time alone; a partial one cannot be compared fairly with them and comes after;
        /// an offer with nothing known goes last.
        var rank: Int {
            switch self {
            case .measured, .published: 0
            case .partial: 1
            case .unknown: 2
            }
        }
    }

    /// Successful requests the broker must have measured before its own figures are used.
    public static let minimumMeasuredSamples = 5

    /// The expected milliseconds to the whole answer; `nil` when nothing is known.
    public var milliseconds: Int64?
    /// Where ``milliseconds`` comes from.
    public var basis: Basis
    /// The time to first token used, in milliseconds (a median when measured).
    public var firstTokenMs: Int64?
    /// The output tokens per second used (a median when measured).
    public var tokensPerSecond: Int64?
    /// How many of the broker's own requests the figures are over; `nil` for published figures.
    public var measuredRequests: Int?
    /// The median whole-answer time used when the measured requests reported no output tokens.
    public var wholeAnswerMs: Int64?

    /// The expected completion time of `offer` for `outputTokens` output tokens, with the
    /// broker's own figures for it when it has any.
    public init(offer: Offer, measured: MeasuredLatency?, outputTokens: Int64) {
        let tokens = max(0, outputTokens)
        let published = (
            first: offer.firstTokenLatencyMs.map(Int64.init),
            rate: offer.throughputTokensPerSecond.map(Int64.init).flatMap { $0 > 0 ? $0 : nil }
        )
        if let m = measured,
            m.samples >= Self.minimumMeasuredSamples || (published.first == nil && published.rate == nil)
        {
            // The broker's medians: first token (from streamed requests) plus tokens over the
            // median throughput (after the first token when streamed, else over the whole
            // call, which then includes the wait for it); without a throughput, the median
            // whole-answer time. Too few of them, and nothing published: still the best guess.
            basis = m.samples >= Self.minimumMeasuredSamples ? .measured : .partial
            measuredRequests = m.samples
            firstTokenMs = m.medianFirstTokenMs
            if let rate = m.medianOutputTokensPerSecond, rate > 0 {
                tokensPerSecond = rate
                milliseconds = Self.plus(m.medianFirstTokenMs ?? 0, Self.generation(tokens, rate))
            } else {
                wholeAnswerMs = m.medianLatencyMs
                milliseconds = m.medianLatencyMs
            }
            return
        }
        firstTokenMs = published.first
        tokensPerSecond = published.rate
        switch (published.first, published.rate) {
        case (let first?, let rate?):
            basis = .published
            milliseconds = Self.plus(first, Self.generation(tokens, rate))
        case (let first?, nil):
            basis = .partial
            milliseconds = first
        case (nil, let rate?):
            basis = .partial
            milliseconds = Self.generation(tokens, rate)
        case (nil, nil):
            basis = .unknown
            milliseconds = nil
        }
    }

    /// Whether `self` should be tried before `other`: complete estimates first, by time; then
    /// partial ones, by time; unknown last. `nil` when they rank the same.
    public func isFaster(than other: ExpectedCompletion) -> Bool? {
        if basis.rank != other.basis.rank { return basis.rank < other.basis.rank }
        return Router.compare(milliseconds, other.milliseconds)
    }

    /// One line for `--explain`: `expected 1340 ms for 256 output tokens: the broker's medians …`.
    public func description(outputTokens: Int64) -> String {
        guard let milliseconds else { return "no speed figures, measured or published: tried last" }
        var figures = firstTokenMs.map { ["first token \($0) ms"] } ?? []
        if let tokensPerSecond { figures.append("\(tokensPerSecond) tokens/s") }
        if let wholeAnswerMs { figures.append("whole answer \(wholeAnswerMs) ms") }
        let source: String
        if let measuredRequests {
            source =
                "the broker's medians over \(measuredRequests) request\(measuredRequests == 1 ? "" : "s")"
                + (basis == .partial ? " (fewer than \(Self.minimumMeasuredSamples); nothing published)" : "")
        } else {
            source = basis == .partial ? "the provider's only published figure" : "the provider's figures"
        }
        let after = basis == .partial ? "; after the offers with complete figures" : ""
        return
            "expected \(milliseconds) ms for \(outputTokens) output tokens: \(source) (\(figures.joined(separator: ", ")))\(after)"
    }

    /// Milliseconds to generate `tokens` at `rate` tokens per second, saturating rather than
    /// trapping on an absurd `max_tokens`.
    private static func generation(_ tokens: Int64, _ rate: Int64) -> Int64 {
        let (product, overflow) = tokens.multipliedReportingOverflow(by: 1000)
        return overflow ? Int64.max / max(1, rate) : product / max(1, rate)
    }

    private static func plus(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int64.max : sum
    }
}
