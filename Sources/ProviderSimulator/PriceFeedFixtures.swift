/// The public price feeds the simulator serves, in their providers' wire formats (research:
/// prices-2026-12.md), faults included:
///
/// - Scaleway's Product Catalog, `product_types=generative_apis`
///   (`GET /product-catalog/v2alpha1/public-catalog/products`, paged by `page`/`page_size`):
///   `llama-3.3-70b-instruct` at €0.0009 per 1,000 tokens each way (with a cheaper batch
///   SKU that is not the list price), `gpt-oss-120b` at €0.15/€0.60 per 1,000,000 tokens,
///   `mistral-small-3.2-24b-instruct-2506` at €0.15/€0.35 reaching end of life on
///   2027-03-31, `llama-3.1-8b-instruct` past its end of life (2025-11-14), and
///   `qwen3-coder-30b-a3b-instruct` whose output SKU has no currency.
/// - OVHcloud's catalog (`GET /ovh/rest/v1/models_v2`, a bare array, EUR per 1M tokens as
///   JSON numbers): Llama 3.3 70B €0.67, Llama 3.1 8B €0.10, gpt-oss-120b €0.08/€0.40,
///   Mistral Nemo with a price but no currency, and a model no longer available.
/// - The OpenRouter provider-feed shape (`GET /feed/openrouter/models`): USD per token as
///   strings, `hugging_face_id`, and `datacenters` in the US for one model, in Germany and
///   France for another, in Germany and the US for a third.
public struct PriceFeedFixtures: Sendable, Hashable {
    /// Scaleway's generative-APIs products, in catalog order.
    public var scalewayProducts: [String]
    /// OVHcloud's `models_v2` document.
    public var ovhModels: String
    /// The OpenRouter-format feed document.
    public var openRouterFeed: String

    /// The default feeds (see the type's documentation).
    public init() {
        scalewayProducts = Self.defaultScaleway
        ovhModels = Self.defaultOVH
        openRouterFeed = Self.defaultOpenRouterFeed
    }

    /// One Scaleway generative-APIs SKU.
    public static func scaleway(
        _ model: String, token: String, mode: String = "realtime", units: Int = 0, nanos: Int, size: Int = 1000,
        currency: String? = "EUR", endOfLife: String? = nil, tasks: [String] = ["chat"]
    ) -> String {
        let money =
            (currency.map { "\"currency_code\": \"\($0)\", " } ?? "") + "\"units\": \"\(units)\", \"nanos\": \(nanos)"
        let eol = endOfLife.map { "\"\($0)\"" } ?? "null"
        let taskList = tasks.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            {"sku": "/generative-apis/\(model)/\(token)/\(mode)", "service_category": "AI", "product_category": "GenerativeApis", \
            "product": "\(model)", "status": "general_availability", "locality": {"region": "fr-par"}, \
            "price": {"retail_price": {\(money)}}, "unit_of_measure": {"unit": "token", "size": \(size)}, \
            "end_of_life_at": \(eol), "properties": {"generative_apis": {"provider_name": "scaleway", "tasks": [\(taskList)], \
            "token_type": "\(token)", "consumption_mode": "\(mode)", "reasoning": false, "supported_apis": ["chat_completions"]}}}
            """
    }

    /// Scaleway's Product Catalog sample: generative API SKUs in EUR.
    public static let defaultScaleway: [String] = [
        scaleway("llama-3.3-70b-instruct", token: "input_token", nanos: 900_000),
        scaleway("llama-3.3-70b-instruct", token: "output_token", nanos: 900_000),
        scaleway("llama-3.3-70b-instruct", token: "input_token", mode: "batch", nanos: 450_000),
        scaleway("gpt-oss-120b", token: "input_token", nanos: 150_000_000, size: 1_000_000),
        scaleway("gpt-oss-120b", token: "output_token", nanos: 600_000_000, size: 1_000_000),
        scaleway(
            "mistral-small-3.2-24b-instruct-2506", token: "input_token", nanos: 150_000,
            endOfLife: "2027-03-31T00:00:00Z"),
        scaleway(
            "mistral-small-3.2-24b-instruct-2506", token: "output_token", nanos: 350_000,
            endOfLife: "2027-03-31T00:00:00Z"),
        scaleway("llama-3.1-8b-instruct", token: "input_token", nanos: 200_000, endOfLife: "2025-11-14T00:00:00Z"),
        scaleway("llama-3.1-8b-instruct", token: "output_token", nanos: 200_000, endOfLife: "2025-11-14T00:00:00Z"),
        scaleway("qwen3-coder-30b-a3b-instruct", token: "input_token", nanos: 200_000),
        scaleway("qwen3-coder-30b-a3b-instruct", token: "output_token", nanos: 800_000, currency: nil),
    ]

    /// OVHcloud's AI Endpoints catalog sample, in EUR.
    public static let defaultOVH = """
        [
          {"id": "5d1c7a0e-0001", "name": "Meta-Llama-3_3-70B-Instruct", "available": true, "category": "Assistant",
           "metadata": {"model_specs": {"context_length": 131072, "capabilities": {"input_modality": ["text"], "function_calling": true}},
             "usage_information": {"pricing": {"currency": "EUR", "prompt": {"price": 0.67, "unit": "1M tokens"},
               "completion": {"price": 0.67, "unit": "1M tokens"}}}}},
          {"id": "5d1c7a0e-0002", "name": "Llama-3.1-8B-Instruct", "available": true, "category": "Assistant",
           "metadata": {"model_specs": {"context_length": 131072},
             "usage_information": {"pricing": {"currency": "EUR", "prompt": {"price": 0.10, "unit": "1M tokens"},
               "completion": {"price": 0.10, "unit": "1M tokens"}}}}},
          {"id": "5d1c7a0e-0003", "name": "gpt-oss-120b", "available": true, "category": "Reasoning",
           "metadata": {"model_specs": {"context_length": 131072},
             "usage_information": {"pricing": {"currency": "EUR", "prompt": {"price": 0.08, "unit": "1M tokens"},
               "completion": {"price": 0.40, "unit": "1M tokens"}}}}},
          {"id": "5d1c7a0e-0004", "name": "Mistral-Nemo-Instruct-2407", "available": true, "category": "Assistant",
           "metadata": {"model_specs": {"context_length": 65536},
             "usage_information": {"pricing": {"prompt": {"price": 0.13, "unit": "1M tokens"},
               "completion": {"price": 0.13, "unit": "1M tokens"}}}}},
          {"id": "5d1c7a0e-0005", "name": "Mixtral-8x7B-Instruct-v0.1", "available": false, "category": "Assistant",
           "metadata": {"usage_information": {"pricing": {"currency": "EUR", "prompt": {"price": 0.63, "unit": "1M tokens"},
               "completion": {"price": 0.63, "unit": "1M tokens"}}}}}
        ]
        """

    /// A provider feed in the OpenRouter shape, with data-centre countries.
    public static let defaultOpenRouterFeed = """
        {"data": [
          {"id": "meta-llama/Llama-3.3-70B-Instruct", "hugging_face_id": "meta-llama/Llama-3.3-70B-Instruct",
           "name": "Llama 3.3 70B Instruct", "created": 1733506137, "context_length": 131072, "max_output_length": 16384,
           "input_modalities": ["text"], "output_modalities": ["text"],
           "pricing": {"prompt": "0.00000071", "completion": "0.00000071", "input_cache_reads": "0", "input_cache_writes": "0"},
           "supported_features": ["tools"], "datacenters": [{"country_code": "US"}]},
          {"id": "deepseek-ai/DeepSeek-V3.1", "hugging_face_id": "deepseek-ai/DeepSeek-V3.1", "name": "DeepSeek V3.1",
           "context_length": 163840, "pricing": {"prompt": "0.00000055", "completion": "0.00000165"},
           "datacenters": [{"country_code": "de"}, {"country_code": "FR"}]},
          {"id": "Qwen/Qwen3-235B-A22B-Instruct-2507", "hugging_face_id": "Qwen/Qwen3-235B-A22B-Instruct-2507",
           "context_length": 262144, "pricing": {"prompt": "0.0000001", "completion": "-1"},
           "datacenters": [{"country_code": "DE"}, {"country_code": "US"}]}
        ]}
        """
}
