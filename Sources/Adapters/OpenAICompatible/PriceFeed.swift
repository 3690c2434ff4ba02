import ProviderInterface

/// A provider's public, machine-readable price feed, which is also its catalog: chosen by
/// an `openai-compatible` entry's `price_feed` option (and read from `price_feed_url`,
/// without the credential unless it is on the entry's own origin). Chat still goes to the
/// entry's base URL. Prices keep the feed's currency. Parsing is pure.
enum PriceFeed: String, Sendable, Hashable, CaseIterable {
    /// Scaleway's public Product Catalog with `product_types=generative_apis`: one product
    /// per model × `token_type` × `consumption_mode`, EUR as exact `units` + `nanos` per
    /// `unit_of_measure.size` tokens, `end_of_life_at`. The list price is the realtime
    /// input/output pair; batch and cached SKUs are other prices.
    case scalewayCatalog = "scaleway-catalog"
    /// OVHcloud's AI Endpoints catalog (`rest/v1/models_v2`, a bare array):
    /// `metadata.usage_information.pricing{currency, prompt{price, unit}, completion{…}}`.
    case ovhCatalog = "ovh-catalog"
    /// The OpenRouter provider-feed shape (`{"data": [{id, hugging_face_id, context_length,
    /// pricing{prompt, completion} (USD per token, strings), datacenters[{country_code}]}]}`),
    /// which several providers publish.
    case openRouterFeed = "openrouter-feed"

    /// Whether the feed pages (Scaleway: `page` and `page_size`).
    var pages: Bool { self == .scalewayCatalog }

    /// The catalog in one page of the feed. A model's announced end of life is its
    /// `retiresAt`: the broker flags it and stops routing to it from that day.
    func parse(_ body: JSONValue, provider: String) throws(ProviderError) -> ModelCatalog {
        switch self {
        case .scalewayCatalog:
            guard let products = body["products"]?.arrayValue else {
                throw ProviderError(
                    .malformedResponse, provider: provider, message: "product catalog has no \"products\" array")
            }
            return Self.scaleway(products)
        case .ovhCatalog:
            guard let items = body.arrayValue ?? body["data"]?.arrayValue else {
                throw ProviderError(
                    .malformedResponse, provider: provider, message: "the OVHcloud catalog is not an array of models")
            }
            return Self.ovh(items)
        case .openRouterFeed:
            guard let items = body["data"]?.arrayValue else {
                throw ProviderError(
                    .malformedResponse, provider: provider, message: "the price feed has no \"data\" array")
            }
            return Self.openRouter(items)
        }
    }

    // MARK: Scaleway

    /// Pico-units per token of a Google Money price per `size` tokens: exact
    /// (`units` × 10^12 + `nanos` × 10^3) / `size`, half up; `nil` when it overflows.
    static func picoPerToken(units: Int64, nanos: Int64, size: Int64) -> Int64? {
        let (whole, o1) = units.multipliedReportingOverflow(by: 1_000_000_000_000)
        let (pico, o2) = whole.addingReportingOverflow(nanos * 1000)
        guard !o1, !o2, size > 0, pico >= 0 else { return nil }
        return (pico + size / 2) / size
    }

    static func scaleway(_ products: [JSONValue]) -> ModelCatalog {
        struct Sides {
            var input: PriceValue = .unknown
            var output: PriceValue = .unknown
            var currency: String?
            var task = ModelTask.conversational
            var retiresAt: String?
            var region: String?
        }
        var models: [String: Sides] = [:]
        var order: [String] = []
        var skipped: [String: Int] = [:]
        for product in products {
            guard let model = product["product"]?.nonEmptyString, let genai = product["properties"]?["generative_apis"]
            else {
                skipped["not a generative APIs product", default: 0] += 1
                continue
            }
            let endOfLife = product["end_of_life_at"]?.nonEmptyString.map { String($0.prefix(10)) }
            let mode = genai["consumption_mode"]?.stringValue ?? "realtime"
            let tokenType = genai["token_type"]?.stringValue ?? ""
            if models[model] == nil {
                order.append(model)
                models[model] = Sides()
            }
            if let endOfLife {
                let known = models[model]?.retiresAt ?? endOfLife
                models[model]?.retiresAt = min(known, endOfLife)
            }
            if let tasks = genai["tasks"]?.arrayValue?.compactMap(\.stringValue),
                tasks.contains(where: { $0.contains("embed") }),
                !tasks.contains(where: { $0.contains("chat") })
            {
                models[model]?.task = .featureExtraction
            }
            // Batch and cached-input SKUs are real prices, but not the list price.
            guard mode == "realtime", tokenType == "input_token" || tokenType == "output_token" else { continue }
            let retail = product["price"]?["retail_price"]
            guard let currency = retail?["currency_code"]?.nonEmptyString else {
                skipped["price without currency", default: 0] += 1
                continue
            }
            let measure = product["unit_of_measure"]
            guard (measure?["unit"]?.stringValue ?? "token") == "token",
                let units = retail?["units"]?.looseIntValue ?? (retail?["units"] == nil ? 0 : nil),
                let nanos = retail?["nanos"]?.looseIntValue ?? (retail?["nanos"] == nil ? 0 : nil),
                let pico = picoPerToken(
                    units: Int64(units), nanos: Int64(nanos), size: Int64(measure?["size"]?.looseIntValue ?? 1))
            else {
                skipped["malformed price", default: 0] += 1
                continue
            }
            if let known = models[model]?.currency, known != currency {
                skipped["prices in two currencies", default: 0] += 1
                continue
            }
            models[model]?.currency = currency
            if tokenType == "input_token" {
                models[model]?.input = .amount(PicoUSD(pico))
            } else {
                models[model]?.output = .amount(PicoUSD(pico))
            }
        }
        let listings = order.compactMap { id -> ModelListing? in
            guard let sides = models[id] else { return nil }
            var price = OfferPrice(billing: .token, currency: sides.currency ?? "EUR")
            if sides.currency != nil {
                price.input = sides.input
                // An embedding model bills input only: its output is free.
                price.output =
                    sides.task == .featureExtraction && sides.output == .unknown ? .amount(.zero) : sides.output
            }
            var listing = ModelListing(id: id, task: sides.task, price: price)
            listing.retiresAt = sides.retiresAt
            return listing
        }
        return ModelCatalog(models: listings, skipped: skipped, requests: 1)
    }

    // MARK: OVHcloud

    /// The power of ten that turns a price per `unit` into a price per token, in pico-units.
    static func picoExponent(unit: String) -> Int? {
        switch String(unit.lowercased().filter { $0 != " " }) {
        case "1mtokens", "1mtoken", "mtokens", "1000000tokens": 6
        case "1ktokens", "1ktoken", "ktokens", "1000tokens": 9
        case "token", "tokens", "1token": 12
        default: nil
        }
    }

    static func ovh(_ items: [JSONValue]) -> ModelCatalog {
        var listings: [ModelListing] = []
        var skipped: [String: Int] = [:]
        var seen = Set<String>()
        for item in items {
            guard let id = item["name"]?.nonEmptyString ?? item["id"]?.nonEmptyString else {
                skipped["item without a name", default: 0] += 1
                continue
            }
            if item["available"]?.boolValue == false {
                skipped["not available", default: 0] += 1
                continue
            }
            guard seen.insert(id).inserted else {
                skipped["duplicate id", default: 0] += 1
                continue
            }
            let metadata = item["metadata"]
            let pricing = metadata?["usage_information"]?["pricing"]
            var price = OfferPrice.unknown
            if let pricing, pricing.objectValue != nil {
                if let currency = pricing["currency"]?.nonEmptyString {
                    func side(_ name: String) -> PriceValue {
                        guard let part = pricing[name],
                            let text = part["price"]?.numberText ?? part["price"]?.stringValue,
                            let exponent = picoExponent(unit: part["unit"]?.stringValue ?? "1M tokens"),
                            let scaled = DecimalText.scaled(text, by: exponent), scaled.value >= 0
                        else { return .unknown }
                        return .amount(PicoUSD(scaled.value))
                    }
                    price = OfferPrice(
                        billing: .token, input: side("prompt"), output: side("completion"), currency: currency)
                    // embeddings
                    if pricing["completion"] == nil, price.input != .unknown { price.output = .amount(.zero) }
                } else {
                    skipped["price without currency", default: 0] += 1
                }
            }
            let specs = metadata?["model_specs"]
            let category = item["category"]?.stringValue?.lowercased() ?? ""
            listings.append(
                ModelListing(
                    id: id, task: category.contains("embed") ? .featureExtraction : .conversational,
                    contextLength: specs?["context_length"]?.looseIntValue, price: price))
        }
        return ModelCatalog(models: listings, skipped: skipped, requests: 1)
    }

    // MARK: OpenRouter provider feed

    static func openRouter(_ items: [JSONValue]) -> ModelCatalog {
        var listings: [ModelListing] = []
        var skipped: [String: Int] = [:]
        var seen = Set<String>()
        for item in items {
            guard let id = item["id"]?.nonEmptyString else {
                skipped["item without an id", default: 0] += 1
                continue
            }
            guard seen.insert(id).inserted else {
                skipped["duplicate id", default: 0] += 1
                continue
            }
            func side(_ name: String) -> PriceValue {
                guard let field = item["pricing"]?[name], let text = field.stringValue ?? field.numberText,
                    let value = PriceValue.parse(text, unit: .usdPerToken)
                else { return .unknown }
                return value
            }
            var listing = ModelListing(
                id: id, hfID: item["hugging_face_id"]?.nonEmptyString, task: .conversational,
                contextLength: item["context_length"]?.looseIntValue, name: item["name"]?.nonEmptyString,
                price: OfferPrice(billing: .token, input: side("prompt"), output: side("completion")))
            listing.countries = (item["datacenters"]?.arrayValue ?? []).compactMap {
                $0["country_code"]?.nonEmptyString?.uppercased()
            }
            listings.append(listing)
        }
        return ModelCatalog(models: listings, skipped: skipped, requests: 1)
    }
}
