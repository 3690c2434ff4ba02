import ProviderInterface

extension SimulatorFixtures {
    /// A small realistic catalog.
    ///
    /// Chat models mapped to together/scaleway/ovhcloud/nscale/groq with router prices such as
    /// 0.15, 1.69 and 3.38 USD per million tokens; `scaleway` for Llama-3.3-70B has **no pricing**
    /// (unknown); one router provider is in `error`, one Hub mapping is `staging` and one names a
    /// provider that no longer exists (`hyperbolic`). One `hf-inference` model per classic task.
    /// `meta-llama/Meta-Llama-3.1-8B-Instruct` is renamed to `meta-llama/Llama-3.1-8B-Instruct`.
    /// OpenRouter has priced, free (`"0"`) and variable (`"-1"`) models; `/openai` lists OpenAI
    /// models without prices, `/together` a bare array with `pricing` (one `0/0`, i.e. unknown).
    public init() {
        self.init(
            hubModels: Self.defaultHubModels,
            renamedModels: ["meta-llama/Meta-Llama-3.1-8B-Instruct": "meta-llama/Llama-3.1-8B-Instruct"],
            routerModels: Self.defaultRouterModels, openRouterModels: Self.defaultOpenRouterModels,
            compatibleProviders: Self.defaultCompatibleProviders)
    }

    static let llama8B = "meta-llama/Llama-3.1-8B-Instruct"
    static let llama70B = "meta-llama/Llama-3.3-70B-Instruct"
    static let qwen72B = "Qwen/Qwen2.5-72B-Instruct"
    static let mistralSmall = "mistralai/Mistral-Small-3.1-24B-Instruct-2503"

    /// One hf-inference model per classic task: (id, task).
    static let classicTaskModels: [(String, String)] = [
        ("facebook/bart-large-cnn", "summarization"),
        ("Helsinki-NLP/opus-mt-en-fr", "translation"),
        ("distilbert/distilbert-base-uncased-finetuned-sst-2-english", "text-classification"),
        ("dslim/bert-base-NER", "token-classification"),
        ("deepset/roberta-base-squad2", "question-answering"),
        ("google-bert/bert-base-uncased", "fill-mask"),
        ("facebook/bart-large-mnli", "zero-shot-classification"),
        ("intfloat/multilingual-e5-large", "feature-extraction"),
        ("sentence-transformers/all-MiniLM-L6-v2", "sentence-similarity"),
        ("stabilityai/stable-diffusion-xl-base-1.0", "text-to-image"),
        ("openai/whisper-large-v3", "automatic-speech-recognition"),
    ]

    static var defaultHubModels: [HubModel] {
        var models = [
            HubModel(
                id: llama8B,
                mappings: [
                    ProviderMapping(provider: "together", providerId: "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"),
                    ProviderMapping(provider: "scaleway", providerId: "llama-3.1-8b-instruct"),
                    ProviderMapping(provider: "nscale", providerId: "meta-llama/Llama-3.1-8B-Instruct"),
                    ProviderMapping(provider: "groq", providerId: "llama-3.1-8b-instant"),
                ], downloads: 5_000_000, likes: 4_500,
                tags: ["transformers", "safetensors", "llama", "conversational"],
                gated: "manual", libraryName: "transformers"),
            HubModel(
                id: llama70B,
                mappings: [
                    ProviderMapping(provider: "together", providerId: "meta-llama/Llama-3.3-70B-Instruct-Turbo"),
                    ProviderMapping(provider: "ovhcloud", providerId: "Meta-Llama-3_3-70B-Instruct"),
                    ProviderMapping(provider: "groq", providerId: "llama-3.3-70b-versatile"),
                    ProviderMapping(provider: "scaleway", providerId: "llama-3.3-70b-instruct"),
                    ProviderMapping(provider: "hyperbolic", providerId: "meta-llama/Llama-3.3-70B-Instruct"),
                ], downloads: 1_200_000, likes: 2_300, tags: ["transformers", "llama", "conversational"],
                gated: "manual",
                libraryName: "transformers"),
            HubModel(
                id: qwen72B,
                mappings: [
                    ProviderMapping(provider: "nscale", providerId: "Qwen/Qwen2.5-72B-Instruct"),
                    ProviderMapping(provider: "ovhcloud", providerId: "Qwen2.5-72B-Instruct"),
                    ProviderMapping(
                        provider: "together", providerId: "Qwen/Qwen2.5-72B-Instruct-Turbo", status: "staging"),
                ], downloads: 300_000, likes: 800, tags: ["transformers", "qwen2", "conversational"],
                libraryName: "transformers"),
            HubModel(
                id: mistralSmall, pipelineTag: "image-text-to-text",
                mappings: [
                    ProviderMapping(provider: "scaleway", providerId: "mistral-small-3.1-24b-instruct-2503"),
                    ProviderMapping(provider: "ovhcloud", providerId: "Mistral-Small-3.1-24B-Instruct-2503"),
                ], downloads: 150_000, likes: 1_300, tags: ["vllm", "mistral3", "conversational"], libraryName: "vllm"),
        ]
        for (id, task) in classicTaskModels {
            models.append(
                HubModel(
                    id: id, pipelineTag: task,
                    mappings: [ProviderMapping(provider: "hf-inference", providerId: id, task: task)],
                    downloads: 100_000, likes: 500, tags: [task], libraryName: "transformers"))
        }
        // Parameter counts as the Hub's `safetensors.total` reports them.
        for index in models.indices {
            models[index].parameters = [llama8B: 8_030_261_248, llama70B: 70_553_706_496][models[index].id]
        }
        return models
    }

    static var defaultRouterModels: [RouterModel] {
        [
            RouterModel(
                id: llama8B, ownedBy: "meta-llama",
                providers: [
                    RouterProvider(
                        provider: "together", inputPrice: "0.18", outputPrice: "0.18", firstTokenLatencyMs: 310,
                        throughput: "131.2"),
                    RouterProvider(
                        provider: "scaleway", inputPrice: "0.2", outputPrice: "0.2", firstTokenLatencyMs: 420,
                        throughput: "95.5"),
                    RouterProvider(provider: "nscale", contextLength: 128_000, inputPrice: "0.03", outputPrice: "0.09"),
                    RouterProvider(
                        provider: "groq", inputPrice: "0.05", outputPrice: "0.08", firstTokenLatencyMs: 120,
                        throughput: "750"),
                ]),
            RouterModel(
                id: llama70B, ownedBy: "meta-llama",
                providers: [
                    RouterProvider(provider: "together", inputPrice: "0.88", outputPrice: "0.88"),
                    RouterProvider(provider: "ovhcloud", inputPrice: "0.67", outputPrice: "0.67"),
                    RouterProvider(provider: "groq", inputPrice: "0.59", outputPrice: "0.79"),
                    RouterProvider(
                        provider: "scaleway", inputPrice: nil, outputPrice: nil, supportsTools: nil,
                        supportsStructuredOutput: nil),
                ]),
            RouterModel(
                id: qwen72B, ownedBy: "Qwen",
                providers: [
                    RouterProvider(provider: "nscale", inputPrice: "0.15", outputPrice: "0.15"),
                    RouterProvider(provider: "ovhcloud", inputPrice: "1.69", outputPrice: "3.38"),
                    RouterProvider(provider: "together", status: "error", inputPrice: "1.2", outputPrice: "1.2"),
                ]),
            RouterModel(
                id: mistralSmall, ownedBy: "mistralai", inputModalities: ["text", "image"],
                providers: [
                    RouterProvider(
                        provider: "scaleway", contextLength: 128_000, inputPrice: "0.15", outputPrice: "0.35"),
                    RouterProvider(provider: "ovhcloud", inputPrice: "0.1", outputPrice: "0.3", isFree: false),
                ]),
        ]
    }

    static var defaultOpenRouterModels: [OpenRouterModel] {
        [
            OpenRouterModel(
                id: "meta-llama/llama-3.1-8b-instruct", name: "Meta: Llama 3.1 8B Instruct", prompt: "0.00000002",
                completion: "0.00000005",
                endpoints: [
                    OpenRouterEndpoint(providerName: "DeepInfra", prompt: "0.00000002", completion: "0.00000005"),
                    OpenRouterEndpoint(providerName: "Together", prompt: "0.00000018", completion: "0.00000018"),
                ]),
            OpenRouterModel(
                id: "meta-llama/llama-3.3-70b-instruct", name: "Meta: Llama 3.3 70B Instruct", prompt: "0.00000013",
                completion: "0.0000004"),
            OpenRouterModel(
                id: "qwen/qwen-2.5-72b-instruct", name: "Qwen2.5 72B Instruct", contextLength: 32_768,
                prompt: "0.00000012",
                completion: "0.00000039", tokenizer: "Qwen"),
            OpenRouterModel(
                id: "mistralai/mistral-small-3.1-24b-instruct:free", name: "Mistral: Mistral Small 3.1 24B (free)",
                prompt: "0", completion: "0", tokenizer: "Mistral"),
            OpenRouterModel(
                id: "openrouter/auto", name: "Auto Router", contextLength: 2_000_000, prompt: "-1", completion: "-1",
                tokenizer: "Router", maxCompletionTokens: nil),
        ]
    }

    /// The embedding model of the `embedco` provider (Together-style list, `"type":"embedding"`,
    /// $0.02 per million input tokens), which ``ProviderSimulator/embeddingRegistryEntry()`` names.
    public static let embeddingModel = "BAAI/bge-base-en-v1.5"

    /// The model of the `nativeco` provider, which serves the Responses API itself
    /// (Together-style list, $0.05/$0.20 per million tokens), named by
    /// ``ProviderSimulator/nativeResponsesRegistryEntry()``.
    public static let nativeResponsesModel = "openai/gpt-oss-20b"

    static var defaultCompatibleProviders: [String: CompatibleProvider] {
        [
            "nativeco": CompatibleProvider(
                listShape: .bareArray,
                models: [together(nativeResponsesModel, "OpenAI GPT-OSS 20B", input: "0.05", output: "0.2")],
                servesResponses: true),
            "embedco": CompatibleProvider(
                listShape: .bareArray,
                models: [
                    together("meta-llama/Llama-3.2-3B-Instruct-Turbo", "Llama 3.2 3B", input: "0.06", output: "0.06"),
                    CompatibleModel(
                        id: embeddingModel, ownedBy: "BAAI",
                        extra: [
                            ("type", "embedding"), ("display_name", "BGE Base EN v1.5"), ("context_length", 512),
                            ("pricing", ["input": .number("0.02"), "output": 0]),
                        ]),
                ]),
            "openai": CompatibleProvider(
                listShape: .objectList,
                models: [
                    CompatibleModel(id: "gpt-4o-mini", created: 1_721_172_741, ownedBy: "system"),
                    CompatibleModel(id: "gpt-4o", created: 1_715_367_049, ownedBy: "system"),
                    CompatibleModel(id: "text-embedding-3-small", created: 1_705_948_997, ownedBy: "system"),
                ]),
            "together": CompatibleProvider(
                listShape: .bareArray,
                models: [
                    together(
                        "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo", "Meta Llama 3.1 8B Instruct Turbo",
                        input: "0.18", output: "0.18"),
                    together(
                        "meta-llama/Llama-3.3-70B-Instruct-Turbo", "Meta Llama 3.3 70B Instruct Turbo", input: "0.88",
                        output: "0.88"),
                    together(
                        "Qwen/Qwen2.5-72B-Instruct-Turbo", "Qwen 2.5 72B Instruct Turbo", input: "1.2", output: "1.2"),
                    together("meta-llama/Llama-3-70b-hf", "Meta Llama 3 70B (dedicated only)", input: "0", output: "0"),
                ]),
        ]
    }

    /// A Together-style model entry with `pricing` in USD per million tokens.
    static func together(_ id: String, _ name: String, input: String, output: String) -> CompatibleModel {
        CompatibleModel(
            id: id, ownedBy: String(id.split(separator: "/").first ?? ""),
            extra: [
                ("type", "chat"), ("display_name", .string(name)), ("context_length", 131_072),
                (
                    "pricing",
                    ["hourly": 0, "input": .number(input), "output": .number(output), "base": 0, "finetune": 0]
                ),
            ])
    }
}
