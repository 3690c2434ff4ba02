import ProviderInterface

/// The request parameters that cap the answer's length, and so decide its cost: checked
/// before routing, because a negative or absurd cap would make every offer look cheap.
///
/// `max_tokens=-1` once routed to the dearer of two offers and spent 355 times the
/// `--max-cost` cap: the expected cost at -1 output tokens was below the cap.
public enum OutputTokenLimit {
    /// The parameters read, in the order they win (OpenAI's newer name first).
    public static let parameterNames = ["max_completion_tokens", "max_tokens", "max_new_tokens"]

    /// A cap that is not a positive integer, or exceeds every offer's context.
    public struct Invalid: Error, Sendable, Hashable, CustomStringConvertible {
        /// The parameter named (`max_tokens`, …).
        public var parameter: String
        /// What is wrong with it.
        public var message: String
        /// The text printed for this value.
        public var description: String { message }
    }

    /// The answer-length cap the request sets, if any; throws when a cap parameter is present
    /// but is not a positive integer.
    public static func validated(_ parameters: JSONObject) throws(Invalid) -> (parameter: String, tokens: Int64)? {
        var found: (String, Int64)? = nil
        for name in parameterNames {
            guard let value = parameters[name], !value.isNull else { continue }
            guard let tokens = value.intValue, tokens >= 1 else {
                throw Invalid(
                    parameter: name, message: "\(name) must be a positive integer (got \(JSONWriter.string(value)))")
            }
            if found == nil { found = (name, Int64(tokens)) }
        }
        return found
    }

    /// When nothing fits because the cap exceeds the context of every offer of the model that
    /// publishes one, the error naming the parameter; `nil` otherwise (some other reason excluded
    /// an offer, or an offer's context is unknown).
    public static func exceedsEveryContext(
        _ limit: (parameter: String, tokens: Int64)?, route: RouteRequest, plan: RoutePlan
    ) -> Invalid? {
        guard let limit, plan.candidates.isEmpty, !plan.excluded.isEmpty else { return nil }
        var largest: Int? = nil
        for exclusion in plan.excluded {
            guard let context = exclusion.offer.contextLength else { return nil }
            largest = max(largest ?? 0, context)
        }
        let (needed, overflow) = route.estimatedInputTokens.addingReportingOverflow(limit.tokens)
        guard let largest, overflow || Int64(largest) < needed else { return nil }
        return Invalid(
            parameter: limit.parameter,
            message: "\(limit.parameter) \(limit.tokens) does not fit the context of any offer of '\(route.model)' "
                + "(the largest holds \(largest) tokens, prompt included)")
    }

    /// Estimated prompt tokens of `request`: its messages joined by newlines, or its input.
    public static func estimatedInputTokens(_ request: InferenceRequest) -> Int64 {
        let messages = request.messages.reduce(max(0, request.messages.count - 1)) { $0 + $1.content.utf8.count }
        return RouteRequest.estimateTokens(
            utf8Count: messages + (request.input.map { JSONWriter.string($0).utf8.count } ?? 0))
    }

    /// The most `request` may cost on any of `plan`'s candidates: its prompt estimate plus its
    /// answer-length cap (256 tokens when it sets none) at each offer's price, in pico-USD. What a
    /// budget reserves before sending; `nil` when no candidate has a cost known in USD.
    public static func maximumExpectedCost(_ request: InferenceRequest, plan: RoutePlan) -> PicoUSD? {
        let input = estimatedInputTokens(request)
        // The parameters were validated when the request was read; an invalid cap never gets here.
        let output = (try? validated(request.parameters))?.tokens ?? 256
        // In USD, as budgets count: a euro price is converted at the plan's rates, not read as dollars.
        return plan.candidates.compactMap { offer in
            offer.price.cost(inputTokens: input, outputTokens: output).flatMap {
                offer.price.usdCost($0, plan.rates)?.cost
            }
        }.max()
    }
}
