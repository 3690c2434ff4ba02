import ProviderInterface

/// The router's chat catalog with prices, `GET {router}/v1/models`, as pure functions.
///
/// Each model lists its `providers[]` with, when available, `pricing{input, output}` in USD
/// per million tokens, `context_length`, `supports_tools`, `supports_structured_output`,
/// `first_token_latency_ms`, `throughput` and `is_free`. Prices are converted from the
/// numbers' decimal text, never through floating point. Missing pricing is unknown unless
/// `is_free` is true; providers whose status is not `live` are left out.
enum RouterCatalog {
    /// `GET {router}/v1/models`. No token is needed; none is sent.
    static func makeRequest(routerURL: String, timeouts: HTTPTimeouts) -> HTTPRequest {
        HTTPRequest(
            method: "GET", url: OpenAIChat.joinURL(routerURL, "/v1/models"),
            headers: [HTTPHeader("Accept", "application/json")], timeouts: timeouts)
    }

    /// How the catalog's prices are read.
    struct Rules: Sendable {
        /// The unit of `pricing.input`/`output` (USD per million tokens for the router).
        var unit: PriceUnit = .usdPerMillionTokens
        /// Whether a zero price means free (else unknown).
        var zeroIsFree = true
        /// The served-by providers the registry knows; empty accepts any.
        var knownProviders: Set<String> = []
    }

    /// Parses the catalog into one quote per model and live provider.
    static func parse(_ response: HTTPResponse, rules: Rules, provider: String?) throws(ProviderError) -> [PriceQuote] {
        func malformed(_ reason: String) -> ProviderError {
            ProviderError(.malformedResponse, provider: provider, status: response.status, message: "router catalog: \(reason)")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(response.body)
        } catch {
            throw malformed("\(error)")
        }
        guard let data = value["data"]?.arrayValue else { throw malformed("no data list") }
        var quotes: [PriceQuote] = []
        quotes.reserveCapacity(data.count * 3)
        for (i, item) in data.enumerated() {
            guard let id = item["id"]?.stringValue, !id.isEmpty else { throw malformed("data[\(i)] has no id") }
            guard let providers = item["providers"]?.arrayValue else { continue }
            for (j, entry) in providers.enumerated() {
                guard case .object(let object) = entry else { throw malformed("\(id): providers[\(j)] is not an object") }
                switch quote(model: id, object, rules: rules) {
                case .success(let quote?): quotes.append(quote)
                case .success(nil): continue
                case .failure(let reason): throw malformed("\(id): providers[\(j)]: \(reason.text)")
                }
            }
        }
        return quotes
    }

    struct Reason: Error { var text: String }

    /// One provider's quote; `nil` when it is not live or not known.
    static func quote(model: String, _ object: JSONObject, rules: Rules) -> Result<PriceQuote?, Reason> {
        var name: String?
        var status: String?
        var pricing: JSONValue?
        var isFree = false
        var quote = PriceQuote(model: model, price: .unknown)
        for member in object {
            let value = member.value
            switch member.key {
            case "provider": name = value.stringValue
            case "status": status = value.stringValue
            case "pricing": pricing = value
            case "is_free": isFree = value.boolValue ?? false
            case "context_length": quote.contextLength = value.intValue
            case "supports_tools": quote.supportsTools = value.boolValue
            case "supports_structured_output": quote.supportsStructuredOutput = value.boolValue
            case "first_token_latency_ms": quote.firstTokenLatencyMs = rounded(value)
            case "throughput": quote.throughputTokensPerSecond = rounded(value)
            default: break
            }
        }
        guard let name else { return .failure(Reason(text: "no provider name")) }
        guard status == "live" else { return .success(nil) }
        guard rules.knownProviders.isEmpty || rules.knownProviders.contains(name) else { return .success(nil) }
        quote.servedBy = name
        switch pricing {
        case nil, .null?:
            quote.price = isFree ? .free : .unknown
        case .object(let prices)?:
            guard let input = price(prices["input"], rules), let output = price(prices["output"], rules) else {
                return .failure(Reason(text: "pricing is not a pair of numbers"))
            }
            quote.price = OfferPrice(billing: .token, input: input, output: output)
        default:
            return .failure(Reason(text: "pricing is not an object"))
        }
        return .success(quote)
    }

    /// A price from a number (or numeric string) in the rules' unit; a missing field is
    /// unknown, a zero is free only when the rules say so; `nil` for a malformed value.
    static func price(_ value: JSONValue?, _ rules: Rules) -> PriceValue? {
        let text: String
        switch value {
        case nil, .null?: return .unknown
        case .number(let number)?: text = number
        case .string(let string)?: text = string
        default: return nil
        }
        guard let parsed = PriceValue.parse(text, unit: rules.unit) else { return nil }
        if case .amount(let amount) = parsed, amount.value == 0, !rules.zeroIsFree { return .unknown }
        return parsed
    }

    /// A non-negative figure rounded to an integer (`first_token_latency_ms`, `throughput`).
    static func rounded(_ value: JSONValue) -> Int? {
        guard let text = value.numberText, let scaled = DecimalText.scaled(text, by: 0), scaled.value >= 0 else { return nil }
        return Int(exactly: scaled.value)
    }
}
