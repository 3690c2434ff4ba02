import ProviderInterface
import ProviderSimulator
import Testing

@testable import Adapters

@Suite("OpenRouter adapter against the simulator")
struct OpenRouterSimulatorTests {
    func adapter(_ sim: ProviderSimulator, token: String? = OAITest.token) throws -> OpenRouterAdapter {
        let entry = OAITest.entry(
            key: "openrouter", adapter: "openrouter", base: sim.url("/api/v1"),
            pricing: PricingConfig(unit: .usdPerToken))
        return try OpenRouterAdapter(entry: entry, context: OAITest.context(token: token))
    }

    func endpointsAdapter(_ sim: ProviderSimulator) throws -> OpenRouterAdapter {
        let entry = OAITest.entry(
            key: "openrouter", adapter: "openrouter", base: sim.url("/api/v1"), options: ["endpoints": true],
            pricing: PricingConfig(unit: .usdPerToken))
        return try OpenRouterAdapter(entry: entry, context: OAITest.context(token: nil))
    }

    @Test func endpointsListEachUpstreamWithItsOwnPriceAndSkipWhatIsDownOrUnreadable() async throws {
        let sim = try OAITest.simulator { fixtures in
            fixtures.openRouterModels[1].endpoints = [
                OpenRouterEndpoint(
                    providerName: "Fireworks AI", contextLength: 65_536, prompt: "0.0000009", completion: "0.0000009"),
                OpenRouterEndpoint(
                    providerName: "Nebius AI Studio", tag: "nebius/fast", prompt: "0.0000003", completion: "0.0000003"),
                OpenRouterEndpoint(providerName: "Lambda", prompt: "0.0000001", completion: "0.0000001", status: -2),
            ]
        }
        defer { sim.stop() }
        // The Qwen model's endpoints fail: it keeps its OpenRouter listing only.
        sim.inject(.status(500, body: "{}"), pathPrefix: "/api/v1/models/qwen/", count: 10)
        let catalog = try await endpointsAdapter(sim).listModels()
        let llama8 = catalog.models.filter { $0.id == "meta-llama/llama-3.1-8b-instruct" }
        #expect(llama8.map(\.servedBy) == ["openrouter", "deepinfra", "together"])
        #expect(llama8.first { $0.servedBy == "together" }?.price == OAITest.price(180_000, 180_000))
        #expect(llama8.first { $0.servedBy == "deepinfra" }?.price == OAITest.price(20_000, 50_000))
        let llama70 = catalog.models.filter { $0.id == "meta-llama/llama-3.3-70b-instruct" }
        // Served by the slug OpenRouter's provider.order takes: the tag without its variant.
        #expect(llama70.map(\.servedBy) == ["openrouter", "fireworks-ai", "nebius"])
        #expect(llama70[1].contextLength == 65_536)
        #expect(llama70[1].price == OAITest.price(900_000, 900_000))
        #expect(catalog.models.filter { $0.id == "qwen/qwen-2.5-72b-instruct" }.map(\.servedBy) == ["openrouter"])
        #expect(catalog.skipped["upstream endpoint down"] == 1)
        #expect(catalog.skipped["upstream endpoints unavailable"] == 1)
        #expect(catalog.requests == 1 + 5)
        // Prices come from the same read: quotes carry every upstream.
        let quotes = try await endpointsAdapter(sim).getPricing()
        #expect(
            Set(quotes.compactMap(\.servedBy)).isSuperset(of: ["openrouter", "deepinfra", "together", "fireworks-ai"]))
    }

    @Test func endpointsOptionMustBeABoolean() {
        let entry = OAITest.entry(
            key: "openrouter", adapter: "openrouter", base: "https://openrouter.test/api/v1",
            options: ["endpoints": "yes"])
        #expect(OpenRouterAdapter.validate(entry).map(\.path) == ["options.endpoints"])
        let other = OAITest.entry(
            key: "openrouter", adapter: "openrouter", base: "https://openrouter.test/api/v1", options: ["sort": "price"]
        )
        #expect(OpenRouterAdapter.validate(other).map(\.path) == ["options.sort"])
    }

    @Test func listsWithExactPricesFreeAndUnknown() async throws {
        let sim = try OAITest.simulator()
        defer { sim.stop() }
        let catalog = try await adapter(sim, token: nil).listModels()
        let byID = Dictionary(uniqueKeysWithValues: catalog.models.map { ($0.id, $0) })
        #expect(byID["meta-llama/llama-3.1-8b-instruct"]?.price == OAITest.price(20_000, 50_000))
        #expect(byID["meta-llama/llama-3.3-70b-instruct"]?.price == OAITest.price(130_000, 400_000))
        #expect(byID["mistralai/mistral-small-3.1-24b-instruct:free"]?.price?.state == .free)
        #expect(byID["openrouter/auto"]?.price?.state == .unknown)
        #expect(byID["qwen/qwen-2.5-72b-instruct"]?.contextLength == 32_768)
        #expect(catalog.models.allSatisfy { $0.servedBy == "openrouter" && $0.task == .conversational })
        #expect(sim.requests.map(\.path) == ["/api/v1/models"])
        #expect(sim.requests.first?.header("Authorization") == nil)

        let quotes = try await adapter(sim, token: nil).getPricing()
        #expect(quotes.first { $0.model == "openrouter/auto" }?.price.state == .unknown)
        #expect(quotes.allSatisfy { $0.servedBy == "openrouter" })
    }

    @Test func followsPagesAndReadsHuggingFaceIDs() async throws {
        let sim = try OAITest.simulator()
        defer { sim.stop() }
        let next = sim.url("/api/v1/models?offset=1")
        sim.route("GET", "/api/v1/models") { request in
            if request.query.contains("offset=1") {
                return .json(
                    #"{"data":[{"id":"b/two","hugging_face_id":"","pricing":{"prompt":"3.5e-7","completion":"0.0000007"}}],"links":{"next":null}}"#
                )
            }
            return .json(
                #"{"data":[{"id":"a/one","hugging_face_id":"org/One","pricing":{"prompt":"0.000000015","completion":"0"}}],"total_count":2,"links":{"next":"\#(next)"}}"#
            )
        }
        let catalog = try await adapter(sim).listModels()
        #expect(catalog.models.map(\.id) == ["a/one", "b/two"])
        #expect(catalog.models.map(\.hfID) == ["org/One", nil])
        #expect(catalog.models[0].price == OAITest.price(15_000, 0))
        #expect(catalog.models[1].price == OAITest.price(350_000, 700_000))
        #expect(catalog.requests == 2)
    }

    @Test func pinnedUpstreamTravelsAsProviderPreferences() async throws {
        let sim = try OAITest.simulator()
        defer { sim.stop() }
        let adapter = try adapter(sim)
        let response = try await adapter.runInference(
            OAITest.chat("meta-llama/llama-3.1-8b-instruct", "hello router", servedBy: "together"))
        #expect(response.output == .text("hello router"))
        #expect(response.servedBy == "together")
        let body = try #require(sim.requests.last?.json)
        #expect(body["provider"] == ["order": ["together"], "allow_fallbacks": false])
        #expect(sim.requests.last?.path == "/api/v1/chat/completions")
        #expect(sim.requests.last?.header("Authorization") == "Bearer \(OAITest.token)")
    }

    @Test func unpinnedChatSendsNoPreferencesAndReportsTheUpstream() async throws {
        let sim = try OAITest.simulator()
        defer { sim.stop() }
        let response = try await adapter(sim).runInference(
            OAITest.chat("meta-llama/llama-3.1-8b-instruct", "hi", servedBy: "openrouter"))
        #expect(sim.requests.last?.json?["provider"] == nil)
        #expect(response.servedBy == "deepinfra")  // the simulator's first endpoint, named by OpenRouter
    }

    @Test func streamedChatWithPinnedUpstream() async throws {
        let sim = try OAITest.simulator()
        defer { sim.stop() }
        let events = try await OAITest.collect(
            adapter(sim).streamInference(
                OAITest.chat("meta-llama/llama-3.1-8b-instruct", "stream this answer", servedBy: "deepinfra")))
        #expect(OAITest.text(events) == "stream this answer")
        #expect(events.contains(.usage(TokenUsage(inputTokens: 3, outputTokens: 3))))
        #expect(events.last == .finished(reason: "stop"))
        let body = try #require(sim.requests.last?.json)
        #expect(body["stream"] == .bool(true))
        #expect(body["provider"]?["order"] == ["deepinfra"])
    }

    @Test func aStreamedToolCallWithReasoningArrivesInOpenRoutersDialect() async throws {
        let sim = try OAITest.simulator()
        defer { sim.stop() }
        var request = OAITest.chat("meta-llama/llama-3.1-8b-instruct", "weather in Paris")
        request.parameters = JSONObject([
            ("tools", [["type": "function", "function": ["name": "get_weather", "parameters": ["type": "object"]]]]),
            ("reasoning", ["effort": "low"]),
        ])
        let events = try await OAITest.collect(adapter(sim).streamInference(request))
        var whole = OpenAICompletionAccumulator()
        for case .chunk(let chunk) in events { whole.add(chunk.completion) }
        let message = try #require(whole.result.firstMessage)
        #expect(message.reasoning == "Thinking it over first.", "OpenRouter names it reasoning")
        #expect(message.reasoningContent == nil)
        #expect(message.toolCalls?.first?.name == "get_weather")
        #expect(message.toolCalls?.first?.arguments == #"{"query":"weather in Paris","unit":"celsius","days":3}"#)
        #expect(whole.result.extra["provider"] != nil, "OpenRouter's provider member is kept")
        #expect(events.last == .finished(reason: "tool_calls"))
    }

    @Test func unknownModelIsABadInputFromOpenRouter() async throws {
        let sim = try OAITest.simulator()
        defer { sim.stop() }
        let adapter = try adapter(sim)
        let error = await OAITest.error { () async throws(ProviderError) in
            try await adapter.runInference(OAITest.chat("nope/nope", "hi"))
        }
        #expect(error?.code == .badInput)
        #expect(error?.message.contains("not a valid model ID") == true)
    }

    @Test func factoryBuildsOpenRouterAndRejectsOptions() throws {
        let entry = ProviderEntry(
            key: "openrouter", adapter: "openrouter", baseURL: "https://openrouter.ai/api/v1",
            options: JSONObject([("models_path", "/x")]))
        #expect(AdapterFactory.standard.validate(entry).map(\.path) == ["options.models_path"])
        var clean = entry
        clean.options = JSONObject()
        #expect(try AdapterFactory.standard.make(clean, context: OAITest.context()).key == "openrouter")
    }
}
