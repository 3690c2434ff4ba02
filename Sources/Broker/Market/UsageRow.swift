import ProviderInterface

/// How `usage` groups the ledger.
public enum UsageGrouping: String, Sendable, Hashable, CaseIterable {
    /// By provider registry key.
    case provider
    /// By provider-side model id.
    case model
    /// By UTC calendar day (`2025-06-01`).
    case day
    /// By who answered: the upstream an aggregator named, else the offer's `served_by`.
    case servedBy = "served_by"
    /// By the region the attempt was processed in, as its offer stood then (`unknown` for
    /// attempts recorded before regions were).
    case region
}

/// One row of the `usage` report: totals for one group key.
///
/// Each ledger record is one attempt sent to a provider: ``requests`` counts request ids,
/// ``attempts`` records and ``errors`` those whose outcome was not `ok`. A request that
/// failed over once is 1 request, 2 attempts and 1 error, billed once.
public struct UsageRow: Sendable, Hashable {
    /// The group key: a provider key, a model id or a UTC day.
    public var key: String
    /// Requests with at least one attempt in the group, each counted once.
    public var requests: Int
    /// Attempts recorded in the group (every try, failed ones included).
    public var attempts: Int
    /// Attempts that did not succeed.
    public var errors: Int
    /// Input tokens, summed exactly.
    public var inputTokens: Int64
    /// Output tokens, summed exactly.
    public var outputTokens: Int64
    /// The cost in pico-USD: the exact sum for USD rows; for another currency the sum of
    /// each attempt's converted figure, or `nil` when any priced attempt had no rate. `nil`
    /// when every record in the group is unpriced.
    public var costPicoUSD: Int64?
    /// Attempts recorded as sent that never recorded an outcome: still in flight, or made by a
    /// process that was killed (counted among ``errors`` too).
    public var unknownOutcomes: Int = 0
    /// The currency of this row's costs: a group keeps one row per currency.
    public var currency: String
    /// The exact cost in pico-units of ``currency``, or `nil` when every record is unpriced.
    public var costPico: Int64?
    /// The second group key, when the usage was split by two (day, then provider).
    public var subkey: String? = nil
    /// The rate dates used for ``costPicoUSD`` (`native`, `ecb:2026-12-04`, …), sorted.
    public var priceBases: [String]

    /// A row.
    public init(
        key: String, requests: Int, attempts: Int, errors: Int, inputTokens: Int64, outputTokens: Int64,
        costPicoUSD: Int64?, currency: String = "USD", costPico: Int64? = nil, priceBases: [String] = []
    ) {
        self.key = key
        self.requests = requests
        self.attempts = attempts
        self.errors = errors
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costPicoUSD = costPicoUSD
        self.currency = currency
        self.costPico = costPico ?? (currency == "USD" ? costPicoUSD : nil)
        self.priceBases = priceBases
    }

    /// The exact cost in nano-units of ``currency`` (`cost_nano`), rounded half up once.
    public var costNano: Int64? { costPico.map { PicoUSD($0).roundedNanoUSD } }

    /// The cost in nano-USD (`cost_nano_usd`), rounded half up from the exact pico-USD sum.
    public var costNanoUSD: Int64? { costPicoUSD.map { PicoUSD($0).roundedNanoUSD } }
}
