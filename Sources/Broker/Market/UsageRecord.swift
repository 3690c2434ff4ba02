import ProviderInterface

/// One attempt of one inference request, as the usage ledger records it.
///
/// A request that fails over is several records with the same ``requestID`` and
/// increasing ``attempt``; only the attempt that produced the answer carries a cost, so a
/// request is billed once. Recording the same `(requestID, attempt)` twice stores it once.
public struct UsageRecord: Sendable, Hashable {
    /// The broker's id for the request.
    public var requestID: String
    /// The attempt number within the request, from 0.
    public var attempt: Int
    /// When the attempt started, in Unix milliseconds.
    public var at: Int64
    /// The provider's registry key.
    public var provider: String
    /// Who ran the model.
    public var servedBy: String
    /// The provider-side model id.
    public var model: String
    /// The task.
    public var task: ModelTask
    /// Input tokens, when reported.
    public var inputTokens: Int64?
    /// Output tokens, when reported.
    public var outputTokens: Int64?
    /// The cost in pico-USD — exact for a USD price, converted for another currency — or
    /// `nil` when the offer is unpriced, nothing was billed, or no rate was stored.
    public var costPicoUSD: Int64?
    /// The currency the offer was priced in.
    public var currency: String = "USD"
    /// The exact cost in pico-units of ``currency``; for a USD record left `nil`, it is
    /// ``costPicoUSD``.
    public var costPico: Int64? = nil
    /// How ``costPicoUSD`` was obtained: `native`, or `ecb:YYYY-MM-DD`; `nil` when unknown.
    public var priceBasis: String? = nil

    /// The region of the offer when the attempt was made (`nil`: not recorded).
    public var region: Region? = nil
    /// The offer's processing countries when the attempt was made.
    public var countries: [String] = []
    /// The offer's compliance tags when the attempt was made.
    public var compliance: [ComplianceTag] = []

    /// For an answered attempt, what the cheapest offer that fitted the same request would
    /// have cost for the same tokens, in pico-USD; `nil` when none was known.
    public var cheapestPicoUSD: Int64? = nil
    /// That offer, as `provider/served_by/model`.
    public var cheapestOffer: String? = nil

    /// The exact cost in the record's own currency.
    public var nativeCostPico: Int64? { costPico ?? (currency == "USD" ? costPicoUSD : nil) }
    /// Time to the whole answer, in milliseconds.
    public var latencyMs: Int64
    /// Time to the first byte of output, in milliseconds, when streamed.
    public var firstTokenMs: Int64?
    /// `ok`, or the error kind (`timeout`, `rate_limited`, …).
    public var outcome: String
    /// The HTTP status, when there was a response.
    public var httpStatus: Int?
    /// The error message (already redacted), when the attempt failed.
    public var error: String?
    /// Who answered, when the provider names someone other than ``servedBy``: the upstream an
    /// aggregator chose for an offer that pins none (OpenRouter's pick for its `openrouter`
    /// offer). ``servedBy`` stays the offer's, which the circuit breaker and the measured
    /// latency read.
    public var upstream: String?
    /// Whether the tokens (and so the cost) were estimated from the text rather than reported
    /// by the provider: a stream that broke after delivering output, before its usage came.
    public var tokensEstimated: Bool = false

    /// The outcome of a successful attempt.
    public static let okOutcome = "ok"
    /// The outcome of an attempt recorded before it was sent and not (yet) completed: in flight,
    /// or made by a process that was killed (an unknown outcome).
    public static let sentOutcome = "sent"

    /// A record; optional fields default to unknown, the outcome to `ok`.
    public init(
        requestID: String, attempt: Int = 0, at: Int64, provider: String, servedBy: String? = nil, model: String,
        task: ModelTask, inputTokens: Int64? = nil, outputTokens: Int64? = nil, costPicoUSD: Int64? = nil,
        latencyMs: Int64, firstTokenMs: Int64? = nil, outcome: String = UsageRecord.okOutcome,
        httpStatus: Int? = nil, error: String? = nil, upstream: String? = nil
    ) {
        self.requestID = requestID
        self.attempt = attempt
        self.at = at
        self.provider = provider
        self.servedBy = servedBy ?? provider
        self.model = model
        self.task = task
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costPicoUSD = costPicoUSD
        self.latencyMs = latencyMs
        self.firstTokenMs = firstTokenMs
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.error = error
        self.upstream = upstream
    }

    /// Whether the attempt succeeded.
    public var isOK: Bool { outcome == UsageRecord.okOutcome }
}
