import ProviderInterface

/// One try at one offer, as `run --format json` reports it in `attempts`.
public struct AttemptRecord: Sendable, Hashable {
    /// The provider key.
    public var provider: String
    /// The serving endpoint.
    public var servedBy: String
    /// `ok`, or the error kind (`rate_limited`, `timeout`, …).
    public var outcome: String
    /// The HTTP status, when there was one.
    public var status: Int?
    /// How long the try took.
    public var latencyMs: Int64
    /// What went wrong, redacted.
    public var error: String?
}

/// A completed inference.
public struct RunResult: Sendable, Hashable {
    /// The ledger's request id.
    public var requestID: String
    /// The offer that answered.
    public var offer: Offer
    /// The answer.
    public var response: InferenceResponse
    /// The cost in pico-USD: exact for a USD price, converted (half up, labelled in
    /// ``priceBasis``) for another currency; `nil` when the price or the usage is unknown,
    /// or no rate for the offer's currency is stored.
    public var cost: PicoUSD?
    /// The exact cost in pico-units of ``currency``; `nil` when the price or the usage is unknown.
    public var nativeCost: PicoUSD? = nil
    /// The currency the offer is priced in.
    public var currency: String = "USD"
    /// How ``cost`` was obtained: `native`, or `ecb:YYYY-MM-DD`; `nil` when it is unknown.
    public var priceBasis: String? = nil

    /// The exact cost in ``currency`` (`cost_nano`): ``nativeCost``, or ``cost`` for a USD price.
    public var costInCurrency: PicoUSD? { nativeCost ?? (currency == "USD" ? cost : nil) }
    /// ``priceBasis``, or `native` for a known USD cost.
    public var costBasis: String? { priceBasis ?? (currency == "USD" && cost != nil ? "native" : nil) }
    /// Wall time of the whole request, failed tries included.
    public var latencyMs: Int64
    /// Time to the first streamed text, when streamed.
    public var firstTokenMs: Int64?
    /// Every try, in order.
    public var attempts: [AttemptRecord]
    /// Why the answer's ledger row could not be recorded (the store named), if it could not.
    public var ledgerError: String? = nil

    /// Who served the answer: the upstream the adapter reports (an aggregator's answer to an
    /// offer that pins none names the upstream that took it, as OpenRouter does), else the
    /// offer's `served_by`. The ledger and the attempts stay keyed by the offer, which the
    /// circuit breaker and the measured latency read.
    public var servedBy: String {
        guard let reported = response.servedBy, !reported.isEmpty else { return offer.servedBy }
        return reported
    }
}

/// A request that got no answer.
public struct RunFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why.
    public enum Kind: String, Sendable, Hashable {
        /// No offer fits the request (exit 69).
        case noOffer = "no_offer"
        /// Every candidate failed with a temporary error (exit 75).
        case allFailed = "all_failed"
        /// The provider refused the input (exit 65).
        case badInput = "bad_input"
        /// A failure that trying elsewhere would not fix (auth, credits) or that came after
        /// output reached the caller (exit 1).
        case fatal
    }

    /// Why.
    public var kind: Kind
    /// What to tell the user (redacted).
    public var message: String
    /// Every try, in order.
    public var attempts: [AttemptRecord]
    /// The request id, when a request was made.
    public var requestID: String?
    /// The tokens billed for output a stream delivered before it broke, if any.
    public var delivered: TokenUsage?
    /// Their exact cost in pico-USD; `nil` when unpriced or nothing was delivered.
    public var deliveredCost: PicoUSD?
    /// Whether ``delivered`` was estimated from the text (the provider's usage never came).
    public var deliveredEstimated: Bool
    /// Why the last attempt's ledger row could not be recorded (the store named), if it could not.
    public var ledgerError: String? = nil

    /// A failure; the delivered-output fields default to none.
    public init(
        kind: Kind, message: String, attempts: [AttemptRecord], requestID: String?, delivered: TokenUsage? = nil,
        deliveredCost: PicoUSD? = nil, deliveredEstimated: Bool = false
    ) {
        self.kind = kind
        self.message = message
        self.attempts = attempts
        self.requestID = requestID
        self.delivered = delivered
        self.deliveredCost = deliveredCost
        self.deliveredEstimated = deliveredEstimated
    }

    /// The text printed for this value.
    public var description: String { message }
}
