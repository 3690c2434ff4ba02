import ProviderInterface

/// Reads the `result` of each operation of the exec-plugin protocol. Pure.
struct ExecPluginResults: Sendable {
    /// The registry key, for errors.
    var provider: String
    /// The entry's pricing rules (zero meaning, table overrides).
    var pricing: PricingConfig

    /// `{"models":[{"id","hf_id"?,"served_by"?,"task"?,"context_length"?,"name"?}]}`.
    func models(_ result: JSONValue) throws(ProviderError) -> ModelCatalog {
        guard let items = result["models"]?.arrayValue else {
            throw malformed("list_models result has no \"models\" array")
        }
        let table = PriceReader(pricing)
        var models: [ModelListing] = []
        var skipped: [String: Int] = [:]
        for item in items {
            guard let id = item["id"]?.nonEmptyString else {
                skipped["model without an id", default: 0] += 1
                continue
            }
            let row = table.override(for: id)
            models.append(
                ModelListing(
                    id: id, hfID: item["hf_id"]?.nonEmptyString ?? row?.hfID,
                    servedBy: item["served_by"]?.nonEmptyString,
                    task: item["task"]?.nonEmptyString.map(ModelTask.init(userInput:)) ?? row?.task ?? .conversational,
                    contextLength: item["context_length"]?.looseIntValue ?? row?.contextLength,
                    name: item["name"]?.nonEmptyString, price: row?.price))
        }
        return ModelCatalog(models: models, skipped: skipped, requests: 1)
    }

    /// `{"prices":[{"model","served_by"?,"billing"?,"input","output","price"?,"unit","context_length"?}]}`.
    /// Prices are exact decimal strings or numbers in `unit`; `null` or missing is unknown;
    /// `billing` other than `token` reads `price` (per second, image or request).
    func prices(_ result: JSONValue) throws(ProviderError) -> [PriceQuote] {
        guard let items = result["prices"]?.arrayValue else {
            throw malformed("get_pricing result has no \"prices\" array")
        }
        let overrides = PriceReader(pricing)
        var quotes: [PriceQuote] = []
        for (i, item) in items.enumerated() {
            let path = "prices[\(i)]"
            guard let model = item["model"]?.nonEmptyString else { throw malformed("\(path).model: missing") }
            guard let unitText = item["unit"]?.stringValue, let unit = PriceUnit(rawValue: unitText) else {
                let known = PriceUnit.allCases.map(\.rawValue).joined(separator: ", ")
                throw malformed("\(path).unit: must be one of \(known)")
            }
            let billingText = item["billing"]?.stringValue ?? "token"
            guard let billing = Billing(rawValue: billingText) else {
                throw malformed("\(path).billing: unknown billing '\(billingText)'")
            }
            var price = OfferPrice(billing: billing, currency: unit.currency)
            if billing == .token {
                price.input = try value(item["input"], unit: unit, path: "\(path).input")
                price.output = try value(item["output"], unit: unit, path: "\(path).output")
            } else {
                price.unit = try value(item["price"], unit: unit, path: "\(path).price")
            }
            if !pricing.zeroIsFree, price.state == .free {
                price = OfferPrice(billing: billing, currency: unit.currency)
            }
            if let row = overrides.override(for: model) { price = row.price }
            quotes.append(
                PriceQuote(
                    model: model, servedBy: item["served_by"]?.nonEmptyString, price: price,
                    contextLength: item["context_length"]?.looseIntValue))
        }
        return quotes
    }

    /// `{"output": text or JSON, "usage"?: {"input_tokens","output_tokens"}, "finish_reason"?, "served_by"?}`.
    func inference(_ result: JSONValue, requireOutput: Bool = true) throws(ProviderError) -> InferenceResponse {
        let output: InferenceOutput
        switch result["output"] {
        case .string(let text)?: output = .text(text)
        case let value? where !value.isNull: output = .json(value)
        default:
            guard !requireOutput else { throw malformed("run_inference result has no \"output\"") }
            output = .text("")
        }
        return InferenceResponse(
            output: output, usage: Self.usage(result["usage"]), servedBy: result["served_by"]?.nonEmptyString,
            finishReason: result["finish_reason"]?.nonEmptyString)
    }

    /// A streamed event: `{"delta":"…"}` or `{"usage":{…}}`; `nil` for events this broker
    /// does not know (ignored, so plugins may send more).
    static func event(_ value: JSONValue) -> InferenceEvent? {
        if let delta = value["delta"]?.stringValue { return .delta(delta) }
        if let usage = usage(value["usage"]) { return .usage(usage) }
        return nil
    }

    /// `{"input_tokens","output_tokens"}`; `nil` when absent.
    static func usage(_ value: JSONValue?) -> TokenUsage? {
        guard let value, value.objectValue != nil else { return nil }
        let input = value["input_tokens"]?.intValue
        let output = value["output_tokens"]?.intValue
        guard input != nil || output != nil else { return nil }
        return TokenUsage(inputTokens: Int64(input ?? 0), outputTokens: Int64(output ?? 0))
    }

    /// A price field: number or decimal string (exact), `null`/missing is unknown, negative
    /// is unknown; any other text is an error.
    func value(_ field: JSONValue?, unit: PriceUnit, path: String) throws(ProviderError) -> PriceValue {
        let text: String
        switch field {
        case nil, .null?: return .unknown
        case .number(let n)?: text = n
        case .string(let s)?: text = s
        default: throw malformed("\(path): must be a number, a decimal string or null")
        }
        guard let value = PriceValue.parse(text, unit: unit) else {
            throw malformed("\(path): '\(text)' is not a decimal number")
        }
        return value
    }

    func malformed(_ message: String) -> ProviderError {
        ProviderError(.malformedResponse, provider: provider, message: message)
    }
}
