import ProviderInterface

/// Turns an OpenAI-style model list into a ``ModelCatalog`` as an entry's options describe
/// it: the envelope, the fields holding prices, context length and Hugging Face id, the
/// type filter, and the entry's pricing rules. Pure.
struct OpenAICompatibleCatalog: Sendable {
    /// The entry's options.
    var options: OpenAICompatibleOptions
    /// The entry's pricing configuration.
    var pricing: PricingConfig
    /// Whether the entry runs on the user's machine (region `local`): with pricing source
    /// `none`, its models are free.
    var isLocal: Bool
    /// The registry key, for errors.
    var provider: String

    /// A catalog reader for an entry.
    init(entry: ProviderEntry, options: OpenAICompatibleOptions) {
        self.options = options
        self.pricing = entry.pricing
        self.isLocal = entry.region.region == .local
        self.provider = entry.key
    }

    /// The model items of a list body, unwrapped from its envelope.
    func items(_ body: JSONValue) throws(ProviderError) -> [JSONValue] {
        switch (options.listEnvelope, body) {
        case (.array, .array(let items)), (.auto, .array(let items)): return items
        case (.data, _), (.auto, .object):
            if let items = body["data"]?.arrayValue { return items }
        default: break
        }
        let expected = options.listEnvelope == .array ? "a JSON array" : "an object with a \"data\" array"
        throw ProviderError(.malformedResponse, provider: provider, message: "model list is not \(expected)")
    }

    /// The catalog from a parsed list body. Items without a string `id`, and items whose type
    /// is filtered out, are counted in ``ModelCatalog/skipped``.
    func parse(_ body: JSONValue) throws(ProviderError) -> ModelCatalog {
        let reader = PriceReader(pricing)
        var models: [ModelListing] = []
        var skipped: [String: Int] = [:]
        var seen: Set<String> = []
        for item in try items(body) {
            guard let id = item["id"]?.nonEmptyString else {
                skipped["item without an id", default: 0] += 1
                continue
            }
            var task: ModelTask?
            if let typeField = options.typeField {
                let type = item.value(at: typeField)?.stringValue ?? "none"
                if options.embeddingTypes.contains(type) {
                    task = .featureExtraction
                } else if !options.chatTypes.contains(type) {
                    skipped["type \(type)", default: 0] += 1
                    continue
                }
            }
            guard seen.insert(id).inserted else {
                skipped["duplicate id", default: 0] += 1
                continue
            }
            let row = reader.override(for: id)
            models.append(
                ModelListing(
                    id: id,
                    hfID: options.hfIDField.flatMap { item.value(at: $0)?.nonEmptyString } ?? row?.hfID,
                    task: row?.task ?? task ?? options.defaultTask,
                    contextLength: item.value(at: options.contextField)?.looseIntValue ?? row?.contextLength,
                    name: item["name"]?.nonEmptyString ?? item["display_name"]?.nonEmptyString,
                    price: price(item: item, row: row, reader: reader)))
        }
        return ModelCatalog(models: models, skipped: skipped, requests: 1)
    }

    /// The catalog when the entry's static table is the catalog (`catalog: table`).
    func tableCatalog() -> ModelCatalog {
        var seen: Set<String> = []
        let models = pricing.table.filter { seen.insert($0.model).inserted }.map {
            ModelListing(id: $0.model, hfID: $0.hfID, task: $0.task, contextLength: $0.contextLength, price: $0.price)
        }
        return ModelCatalog(models: models, skipped: [:], requests: 0)
    }

    /// The price of one item: the table's row wins; then, by pricing source, the item's price
    /// fields (`api`), unknown (`static`, model not in the table), or free for a local server
    /// (`none`). `nil` when the entry has no way to know.
    func price(item: JSONValue, row: StaticPrice?, reader: PriceReader) -> OfferPrice? {
        if let row { return row.price }
        switch pricing.source {
        case .api:
            guard let input = options.priceInputField, let output = options.priceOutputField else {
                return isLocal ? .free : nil
            }
            return reader.tokenPrice(input: item.value(at: input), output: item.value(at: output))
        case .static: return .unknown
        case .none: return isLocal ? .free : nil
        }
    }

    /// The quotes for a catalog: one per model with its price (unknown when none is known).
    static func quotes(_ catalog: ModelCatalog) -> [PriceQuote] {
        catalog.models.map {
            PriceQuote(
                model: $0.id, servedBy: $0.servedBy, price: $0.price ?? .unknown, contextLength: $0.contextLength)
        }
    }
}
