import ProviderInterface

extension SimulatorCore {
    /// `GET /v1/models`: the HF router catalog with prices (query ignored, as the router does).
    func routerCatalog(_ snapshot: Snapshot) -> SimulatedResponse {
        dataList("router", snapshot.fixtures.routerModels, snapshot, object: "list", render: Self.renderRouterModel)
    }

    /// A cached `{"object": …, "data": […]}` catalog of `models`, each written by `render`.
    private func dataList<Model>(
        _ name: String, _ models: [Model], _ snapshot: Snapshot, object: String?,
        render: (Model, inout JSONOutput) -> Void
    ) -> SimulatedResponse {
        let body = cachedBody(name, generation: snapshot.generation) {
            var out = JSONOutput(capacity: 64 + models.count * 900)
            out.beginObject()
            if let object { out.field("object", object) }
            out.key("data")
            out.beginArray()
            for model in models { render(model, &out) }
            out.endArray()
            out.endObject()
            return out.bytes
        }
        return .json(bytes: body)
    }

    static func renderRouterModel(_ model: RouterModel, into out: inout JSONOutput) {
        out.beginObject()
        out.field("id", model.id)
        out.field("object", "model")
        out.field("created", int: model.created)
        out.field("owned_by", model.ownedBy)
        out.key("architecture")
        out.beginObject()
        out.key("input_modalities")
        out.strings(model.inputModalities)
        out.key("output_modalities")
        out.strings(model.outputModalities)
        out.endObject()
        out.key("providers")
        out.beginArray()
        for p in model.providers {
            out.beginObject()
            out.field("provider", p.provider)
            out.field("status", p.status)
            if let v = p.contextLength { out.field("context_length", int: v) }
            if p.inputPrice != nil || p.outputPrice != nil {
                out.key("pricing")
                out.beginObject()
                if let v = p.inputPrice { out.field("input", number: v) }
                if let v = p.outputPrice { out.field("output", number: v) }
                out.endObject()
            }
            if let v = p.isFree { out.field("is_free", bool: v) }
            if let v = p.supportsTools { out.field("supports_tools", bool: v) }
            if let v = p.supportsStructuredOutput { out.field("supports_structured_output", bool: v) }
            if let v = p.firstTokenLatencyMs { out.field("first_token_latency_ms", int: v) }
            if let v = p.throughput { out.field("throughput", number: v) }
            if let v = p.isModelAuthor { out.field("is_model_author", bool: v) }
            out.endObject()
        }
        out.endArray()
        out.endObject()
    }

    /// `GET /api/v1/models`: OpenRouter's `{"data":[…]}` with decimal-string prices per token.
    func openRouterList(_ snapshot: Snapshot) -> SimulatedResponse {
        dataList(
            "openrouter", snapshot.fixtures.openRouterModels, snapshot, object: nil, render: Self.renderOpenRouterModel)
    }

    static func renderOpenRouterModel(_ model: OpenRouterModel, into out: inout JSONOutput) {
        out.beginObject()
        out.field("id", model.id)
        out.field("canonical_slug", model.id)
        out.field("name", model.name)
        out.field("created", int: model.created)
        out.field("description", model.description)
        out.key("context_length")
        if let v = model.contextLength { out.int(v) } else { out.null() }
        out.key("architecture")
        out.beginObject()
        out.field("modality", model.modality)
        out.key("input_modalities")
        out.strings(model.inputModalities)
        out.key("output_modalities")
        out.strings(model.outputModalities)
        out.field("tokenizer", model.tokenizer)
        out.key("instruct_type")
        out.null()
        out.endObject()
        out.key("pricing")
        renderPricing(model.pricing, into: &out)
        out.key("top_provider")
        out.beginObject()
        out.key("context_length")
        if let v = model.topProviderContextLength { out.int(v) } else { out.null() }
        out.key("max_completion_tokens")
        if let v = model.maxCompletionTokens { out.int(v) } else { out.null() }
        out.field("is_moderated", bool: model.isModerated)
        out.endObject()
        out.key("per_request_limits")
        out.null()
        out.key("supported_parameters")
        out.strings(model.supportedParameters)
        out.endObject()
    }

    private static func renderPricing(_ pricing: [(name: String, value: String)], into out: inout JSONOutput) {
        out.beginObject()
        for item in pricing { out.field(item.name, item.value) }
        out.endObject()
    }

    /// `GET /api/v1/models/{author}/{slug}/endpoints`.
    func openRouterEndpoints(id: String, _ snapshot: Snapshot) -> SimulatedResponse {
        guard let model = snapshot.fixtures.openRouterModels.first(where: { $0.id == id }) else {
            return .json(#"{"error":{"message":"Model not found","code":404}}"#, status: 404)
        }
        var out = JSONOutput(capacity: 1024)
        out.beginObject()
        out.key("data")
        out.beginObject()
        out.field("id", model.id)
        out.field("name", model.name)
        out.field("created", int: model.created)
        out.field("description", model.description)
        out.key("architecture")
        out.beginObject()
        out.field("modality", model.modality)
        out.field("tokenizer", model.tokenizer)
        out.endObject()
        out.key("endpoints")
        out.beginArray()
        for endpoint in model.endpoints {
            out.beginObject()
            out.field("name", "\(endpoint.providerName) | \(model.id)")
            out.key("context_length")
            if let v = endpoint.contextLength { out.int(v) } else { out.null() }
            out.key("pricing")
            Self.renderPricing(endpoint.pricing, into: &out)
            out.field("provider_name", endpoint.providerName)
            out.field("tag", endpoint.tag)
            out.key("quantization")
            if let v = endpoint.quantization { out.string(v) } else { out.null() }
            out.key("max_completion_tokens")
            if let v = model.maxCompletionTokens { out.int(v) } else { out.null() }
            out.key("supported_parameters")
            out.strings(model.supportedParameters)
            out.field("status", int: endpoint.status)
            out.key("uptime_last_30m")
            if let v = endpoint.uptimeLast30m { out.number(v) } else { out.null() }
            out.endObject()
        }
        out.endArray()
        out.endObject()
        out.endObject()
        return .json(bytes: out.bytes)
    }

    /// `GET /{prefix}/v1/models`: `{"object":"list","data":[…]}` or a bare array.
    func compatibleList(prefix: String, provider: CompatibleProvider, _ snapshot: Snapshot) -> SimulatedResponse {
        let body = cachedBody("compatible/" + prefix, generation: snapshot.generation) {
            var out = JSONOutput(capacity: 64 + provider.models.count * 300)
            if provider.listShape == .objectList {
                out.beginObject()
                out.field("object", "list")
                out.key("data")
            }
            out.beginArray()
            for model in provider.models {
                out.beginObject()
                out.field("id", model.id)
                out.field("object", "model")
                out.field("created", int: model.created)
                out.field("owned_by", model.ownedBy)
                for extra in model.extra {
                    out.key(extra.name)
                    out.value(extra.value)
                }
                out.endObject()
            }
            out.endArray()
            if provider.listShape == .objectList { out.endObject() }
            return out.bytes
        }
        return .json(bytes: body)
    }
}
