import ProviderInterface

extension SimulatorFixtures {
    /// Provider names the generated catalogs cycle through (all current router providers).
    static let generatedProviders = [
        "together", "scaleway", "ovhcloud", "nscale", "groq", "novita", "fireworks-ai", "cerebras", "deepinfra",
        "featherless-ai", "baseten", "cohere", "publicai", "zai-org",
    ]

    /// A large synthetic catalog for benchmarks: `models` chat models `org<k>/model-<i>`, each
    /// mapped to `providersPerModel` providers on the Hub and priced in the router catalog
    /// (every 50th offer has no pricing, every 97th is in `error`), the same models on OpenRouter
    /// (USD-per-token strings), and `/together` and `/openai` lists of the same size.
    /// Deterministic: the same arguments give the same catalog.
    public static func generated(models: Int, providersPerModel: Int) -> SimulatorFixtures {
        let count = max(0, models)
        let perModel = max(0, min(providersPerModel, generatedProviders.count))
        var hub: [HubModel] = []
        var router: [RouterModel] = []
        var openRouter: [OpenRouterModel] = []
        var together: [CompatibleModel] = []
        var openAI: [CompatibleModel] = []
        hub.reserveCapacity(count)
        router.reserveCapacity(count)
        openRouter.reserveCapacity(count)
        together.reserveCapacity(count)
        openAI.reserveCapacity(count)
        for i in 0..<count {
            let id = "org\(i % 500)/model-\(i)"
            var mappings: [ProviderMapping] = []
            var offers: [RouterProvider] = []
            mappings.reserveCapacity(perModel)
            offers.reserveCapacity(perModel)
            for k in 0..<perModel {
                let provider = generatedProviders[(i + k) % generatedProviders.count]
                let offer = i * perModel + k
                mappings.append(ProviderMapping(provider: provider, providerId: "\(provider)/model-\(i)"))
                let priced = offer % 50 != 49
                offers.append(
                    RouterProvider(
                        provider: provider, status: offer % 97 == 96 ? "error" : "live",
                        contextLength: 8192 << (offer % 5),
                        inputPrice: priced ? cents(5 + offer % 300) : nil,
                        outputPrice: priced ? cents(10 + (offer * 7) % 600) : nil,
                        firstTokenLatencyMs: 100 + offer % 900, throughput: String(20 + offer % 400)))
            }
            hub.append(
                HubModel(
                    id: id, pipelineTag: "text-generation", mappings: mappings, downloads: i * 13 % 100_000,
                    likes: i % 1000))
            router.append(RouterModel(id: id, ownedBy: "org\(i % 500)", providers: offers))
            openRouter.append(
                OpenRouterModel(
                    id: "org\(i % 500)/model-\(i)", name: "Model \(i)", prompt: perToken(5 + i % 300),
                    completion: perToken(10 + (i * 7) % 600)))
            together.append(Self.together(id, "Model \(i)", input: cents(5 + i % 300), output: cents(10 + i % 600)))
            openAI.append(CompatibleModel(id: "model-\(i)", ownedBy: "system"))
        }
        return SimulatorFixtures(
            hubModels: hub, routerModels: router, openRouterModels: openRouter,
            compatibleProviders: [
                "together": CompatibleProvider(listShape: .bareArray, models: together),
                "openai": CompatibleProvider(listShape: .objectList, models: openAI),
            ])
    }

    /// `hundredths` as decimal text: 5 → "0.05", 123 → "1.23".
    static func cents(_ hundredths: Int) -> String {
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    /// USD per million `hundredths` as a per-token decimal string: 5 → "0.00000005".
    static func perToken(_ hundredths: Int) -> String {
        let digits = String(hundredths)
        return "0." + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
