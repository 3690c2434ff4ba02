import ProviderInterface

/// OpenRouter's model list (`GET {base}/models`, `{"data":[…]}`) as a ``ModelCatalog``. Pure.
///
/// Prices are decimal strings in USD per token (`pricing.prompt`, `pricing.completion`),
/// converted exactly: `"0"` is free, `"-1"` (variable) and a missing field are unknown,
/// exponent notation (`"3.5e-7"`) is accepted. See <https://openrouter.ai/docs/api-reference/list-available-models>.
struct OpenRouterCatalog: Sendable {
    /// The registry key, for errors.
    var provider: String
    /// Reads prices in USD per token with the entry's zero rule and table overrides.
    var reader: PriceReader

    /// Who serves the listed models: the aggregator itself (the upstream is chosen per request).
    static let servedBy = "openrouter"

    /// A catalog reader for an entry.
    init(entry: ProviderEntry) {
        self.provider = entry.key
        self.reader = PriceReader(entry.pricing, unit: .usdPerToken)
    }

    /// The models of one page.
    func parse(_ body: JSONValue) throws(ProviderError) -> ModelCatalog {
        guard let items = body["data"]?.arrayValue else {
            throw ProviderError(
                .malformedResponse, provider: provider, message: "OpenRouter model list has no \"data\" array")
        }
        var models: [ModelListing] = []
        var skipped: [String: Int] = [:]
        for item in items {
            guard let id = item["id"]?.nonEmptyString else {
                skipped["item without an id", default: 0] += 1
                continue
            }
            let modalities = Self.modalities(item["architecture"])
            let row = reader.override(for: id)
            let price =
                row?.price
                ?? reader.tokenPrice(input: item["pricing"]?["prompt"], output: item["pricing"]?["completion"])
            var listing = ModelListing(
                id: id, hfID: item["hugging_face_id"]?.nonEmptyString ?? row?.hfID, servedBy: Self.servedBy,
                task: row?.task ?? Self.task(input: modalities.input, output: modalities.output),
                contextLength: item["context_length"]?.looseIntValue
                    ?? item["top_provider"]?["context_length"]?.looseIntValue ?? row?.contextLength,
                inputModalities: modalities.input, outputModalities: modalities.output,
                name: item["name"]?.nonEmptyString, price: price)
            listing.capabilities = Self.capabilities(item)
            models.append(listing)
        }
        return ModelCatalog(models: models, skipped: skipped, requests: 1)
    }

    /// The upstream listings of `model` from its endpoints
    /// (`GET {base}/models/{id}/endpoints`, `{"data":{"endpoints":[…]}}`): one per endpoint
    /// that is up (`status` ≥ 0), served by the upstream's slug (the endpoint's `tag` without
    /// its variant, which is what OpenRouter's `provider.order` takes; else ``upstreamKey(_:)``
    /// of its name), with its own price and context length. Endpoints that are down are
    /// counted, not listed.
    func parseEndpoints(_ body: JSONValue, of model: ModelListing) throws(ProviderError) -> (
        [ModelListing], [String: Int]
    ) {
        guard let endpoints = body["data"]?["endpoints"]?.arrayValue else {
            throw ProviderError(
                .malformedResponse, provider: provider,
                message: "OpenRouter endpoints of \(model.id) have no \"endpoints\" array")
        }
        var listings: [ModelListing] = []
        var skipped: [String: Int] = [:]
        let row = reader.override(for: model.id)
        for endpoint in endpoints {
            guard let name = endpoint["provider_name"]?.nonEmptyString else {
                skipped["upstream endpoint without a provider name", default: 0] += 1
                continue
            }
            if let status = endpoint["status"]?.intValue, status < 0 {
                skipped["upstream endpoint down", default: 0] += 1
                continue
            }
            var listing = model
            listing.servedBy = Self.slug(tag: endpoint["tag"]?.nonEmptyString) ?? Self.upstreamKey(name)
            listing.price =
                row?.price
                ?? reader.tokenPrice(input: endpoint["pricing"]?["prompt"], output: endpoint["pricing"]?["completion"])
            listing.contextLength = endpoint["context_length"]?.looseIntValue ?? model.contextLength
            listings.append(listing)
        }
        return (listings, skipped)
    }

    /// What a model entry says it supports: `tools` and `structured_outputs` in
    /// `supported_parameters` (when the list is published, a missing one is known absent), image
    /// input in `architecture.input_modalities` (or `modality`).
    static func capabilities(_ item: JSONValue) -> [ModelCapability: Bool] {
        var result: [ModelCapability: Bool] = [:]
        if let parameters = item["supported_parameters"]?.arrayValue?.compactMap(\.stringValue) {
            result[.tools] = parameters.contains("tools")
            result[.jsonSchema] = parameters.contains("structured_outputs")
        }
        let architecture = item["architecture"]
        if architecture?["input_modalities"]?.arrayValue != nil || architecture?["modality"]?.stringValue != nil {
            result[.vision] = modalities(architecture).input.contains("image")
        }
        return result
    }

    /// The provider slug of an endpoint tag (`deepinfra/fp8` → `deepinfra`), if it is one.
    static func slug(tag: String?) -> String? {
        guard let base = tag?.split(separator: "/").first, !base.isEmpty,
            base.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" })
        else { return nil }
        return String(base)
    }

    /// The broker's key for an upstream OpenRouter names: `"DeepInfra"` → `deepinfra`,
    /// `"Fireworks AI"` → `fireworks-ai`. The same key names the upstream a request pins.
    static func upstreamKey(_ providerName: String) -> String {
        String(providerName.lowercased().map { $0 == " " ? "-" : $0 })
    }

    /// The next page's URL from `links.next`, when the list is paged and it stays on `origin`.
    static func nextPage(_ body: JSONValue, origin: String) -> String? {
        guard let next = body["links"]?["next"]?.nonEmptyString else { return nil }
        if next.hasPrefix("/"), let base = EndpointURL.origin(origin) { return base + next }
        return EndpointURL.sameOrigin(next, origin) ? next : nil
    }

    /// Input and output modalities from `architecture`: the lists, else parsed from
    /// `modality` (`"text+image->text"`); `text → text` when neither is given.
    static func modalities(_ architecture: JSONValue?) -> (input: [String], output: [String]) {
        let input = architecture?["input_modalities"]?.arrayValue?.compactMap(\.stringValue)
        let output = architecture?["output_modalities"]?.arrayValue?.compactMap(\.stringValue)
        if let input, let output, !input.isEmpty, !output.isEmpty { return (input, output) }
        if let modality = architecture?["modality"]?.stringValue, let arrow = modality.firstRange(of: "->") {
            let parse = { (text: Substring) in text.split(separator: "+").map { String($0) }.filter { !$0.isEmpty } }
            let i = parse(modality[..<arrow.lowerBound])
            let o = parse(modality[arrow.upperBound...])
            if !i.isEmpty, !o.isEmpty { return (i, o) }
        }
        return (["text"], ["text"])
    }

    /// The Hugging Face task for a model's modalities: image output is `text-to-image`,
    /// text output is chat (`conversational`, whatever the inputs), audio only is
    /// `text-to-speech`, embeddings are `feature-extraction`.
    static func task(input: [String], output: [String]) -> ModelTask {
        if output.contains("image") { return .textToImage }
        if output.contains("text") { return .conversational }
        if output.contains("audio") { return ModelTask("text-to-speech") }
        if output.contains("embeddings") || output.contains("embedding") { return .featureExtraction }
        return .conversational
    }
}
