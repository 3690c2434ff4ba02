import ProviderInterface
import ProviderSimulator
import Testing

@testable import Adapters

@Suite("OpenAI-compatible adapter against the simulator")
struct OpenAICompatibleSimulatorTests {
    @Test func togetherBareArrayPricesExactlyWithZeroZeroUnknown() async throws {
        let sim = try OAITest.simulator()
        defer { sim.stop() }
        let entry = OAITest.entry(
            base: sim.url("/together/v1"), options: OAITest.togetherOptions,
            pricing: PricingConfig(unit: .usdPerMillionTokens, zeroIsFree: false))
        let adapter = try OpenAICompatibleAdapter(entry: entry, context: OAITest.context())
        let catalog = try await adapter.listModels()
        let prices = Dictionary(uniqueKeysWithValues: catalog.models.map { ($0.id, $0.price) })
        #expect(prices["meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"] == OAITest.price(180_000, 180_000))
        #expect(prices["meta-llama/Llama-3.3-70B-Instruct-Turbo"] == OAITest.price(880_000, 880_000))
        #expect(prices["Qwen/Qwen2.5-72B-Instruct-Turbo"] == OAITest.price(1_200_000, 1_200_000))
        #expect(prices["meta-llama/Llama-3-70b-hf"]??.state == .unknown)
        #expect(catalog.models.first?.contextLength == 131_072)
        #expect(catalog.models.first?.name == "Meta Llama 3.1 8B Instruct Turbo")

        let quotes = try await adapter.getPricing()
        #expect(quotes.count == 4)
        #expect(quotes.first { $0.model == "meta-llama/Llama-3-70b-hf" }?.price.state == .unknown)
        #expect(sim.requests.count == 1)  // a refresh (list, then prices) fetches the list once
        _ = try await adapter.getPricing()
        #expect(sim.requests.count == 2)  // a later price check fetches fresh data
    }

    @Test func openAIListWithoutPricesSendsTheToken() async throws {
        let sim = try OAITest.simulator { $0.requiredToken = OAITest.token }
        defer { sim.stop() }
        let adapter = try OpenAICompatibleAdapter(
            entry: OAITest.entry(key: "openai", base: sim.url("/openai/v1")), context: OAITest.context())
        let catalog = try await adapter.listModels()
        #expect(catalog.models.map(\.id) == ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"])
        #expect(catalog.models.allSatisfy { $0.price == nil })
        #expect(sim.requests.first?.header("Authorization") == "Bearer \(OAITest.token)")
        #expect(sim.requests.first?.path == "/openai/v1/models")
    }

    @Test func noAuthHeaderWhenTheVariableIsUnsetAndTheRefusalIsAnAuthError() async throws {
        let sim = try OAITest.simulator { $0.requiredToken = OAITest.token }
        defer { sim.stop() }
        let adapter = try OpenAICompatibleAdapter(
            entry: OAITest.entry(key: "openai", base: sim.url("/openai/v1")), context: OAITest.context(token: nil))
        let error = await OAITest.error { () async throws(ProviderError) in try await adapter.listModels() }
        #expect(error?.code == .auth)
        #expect(error?.status == 401)
        #expect(sim.requests.count == 1)
        #expect(sim.requests.first?.header("Authorization") == nil)
    }

    @Test func credentialGoesOnlyToTheEntrysOwnHost() async throws {
        let home = try OAITest.simulator()
        defer { home.stop() }
        let elsewhere = try OAITest.simulator()
        defer { elsewhere.stop() }
        let options: JSONValue = ["models_path": .string(elsewhere.url("/openai/v1/models"))]
        let adapter = try OpenAICompatibleAdapter(
            entry: OAITest.entry(base: home.url("/openai/v1"), options: options), context: OAITest.context())
        _ = try await adapter.listModels()
        #expect(elsewhere.requests.count == 1)
        #expect(elsewhere.requests.first?.header("Authorization") == nil)
        _ = try await adapter.runInference(OAITest.chat("gpt-4o-mini", "hi"))
        #expect(home.requests.last?.header("Authorization") == "Bearer \(OAITest.token)")
    }

    @Test func customAuthHeaderAndPaths() async throws {
        let sim = try OAITest.simulator()
        defer { sim.stop() }
        sim.route("GET", "/acme/catalog") { _ in .json(#"{"data":[{"id":"acme-1"}]}"#) }
        let options: JSONValue = ["models_path": "/catalog", "auth_header": "x-api-key", "auth_prefix": ""]
        let adapter = try OpenAICompatibleAdapter(
            entry: OAITest.entry(base: sim.url("/acme"), options: options), context: OAITest.context())
        #expect(try await adapter.listModels().models.map(\.id) == ["acme-1"])
        #expect(sim.requests.first?.header("x-api-key") == OAITest.token)
        #expect(sim.requests.first?.header("Authorization") == nil)
    }

    @Test func staticTableCatalogMakesNoRequest() async throws {
        let sim = try OAITest.simulator()
        defer { sim.stop() }
        let rows = [
            StaticPrice(
                model: "llama-3.3-70b-versatile", hfID: "meta-llama/Llama-3.3-70B-Instruct", contextLength: 131_072,
                price: OAITest.price(590_000, 790_000)),
            StaticPrice(model: "llama-3.1-8b-instant", price: OAITest.price(50_000, 80_000)),
        ]
        let pricing = PricingConfig(source: .static, table: rows, catalogIsTable: true)
        let adapter = try OpenAICompatibleAdapter(
            entry: OAITest.entry(key: "groq", base: sim.url("/groq/v1"), pricing: pricing), context: OAITest.context())
        let catalog = try await adapter.listModels()
        #expect(catalog.models.map(\.id) == ["llama-3.3-70b-versatile", "llama-3.1-8b-instant"])
        #expect(catalog.models[0].hfID == "meta-llama/Llama-3.3-70B-Instruct")
        #expect(catalog.requests == 0)
        let quotes = try await adapter.getPricing()
        #expect(quotes.map(\.price) == [OAITest.price(590_000, 790_000), OAITest.price(50_000, 80_000)])
        #expect(sim.requests.isEmpty)
    }

    @Test func novitaAndCerebrasUnitsThroughTheWire() async throws {
        let sim = try OAITest.simulator()
        defer { sim.stop() }
        sim.route("GET", "/novita/v3/openai/models") { _ in
            .json(
                #"{"data":[{"id":"deepseek/deepseek-v3","input_token_price_per_m":2700,"output_token_price_per_m":11000,"context_size":64000}]}"#
            )
        }
        sim.route("GET", "/cerebras/public/v1/models") { _ in
            .json(
                #"{"data":[{"id":"llama3.1-8b","hugging_face_id":"meta-llama/Llama-3.1-8B-Instruct","pricing":{"prompt":"0.0000001","completion":"1e-7"}}]}"#
            )
        }
        let novita = try OpenAICompatibleAdapter(
            entry: OAITest.entry(
                key: "novita", base: sim.url("/novita/v3/openai"),
                options: [
                    "price_input_field": "input_token_price_per_m", "price_output_field": "output_token_price_per_m",
                    "context_field": "context_size",
                ],
                pricing: PricingConfig(unit: .tenThousandthUSDPerMillionTokens, zeroIsFree: false)),
            context: OAITest.context())
        let n = try await novita.listModels().models[0]
        #expect(n.price == OAITest.price(270_000, 1_100_000))
        #expect(n.contextLength == 64_000)

        let cerebras = try OpenAICompatibleAdapter(
            entry: OAITest.entry(
                key: "cerebras", base: sim.url("/cerebras"),
                options: [
                    "models_path": "/public/v1/models", "chat_path": "/v1/chat/completions",
                    "price_input_field": "pricing.prompt",
                    "price_output_field": "pricing.completion", "hf_id_field": "hugging_face_id",
                ],
                pricing: PricingConfig(unit: .usdPerToken)),
            context: OAITest.context())
        let c = try await cerebras.listModels().models[0]
        #expect(c.price == OAITest.price(100_000, 100_000))
        #expect(c.hfID == "meta-llama/Llama-3.1-8B-Instruct")
    }

    @Test func localServerWithNoPricingIsFree() async throws {
        let sim = try OAITest.simulator()
        defer { sim.stop() }
        let entry = OAITest.entry(
            key: "ollama", base: sim.url("/openai/v1"), pricing: PricingConfig(source: .none), region: .local,
            authEnv: nil)
        let adapter = try OpenAICompatibleAdapter(entry: entry, context: OAITest.context(token: nil))
        let quotes = try await adapter.getPricing()
        #expect(quotes.count == 3)
        #expect(quotes.allSatisfy { $0.price.state == .free })
    }

    @Test func chatPlainAndStreamed() async throws {
        let sim = try OAITest.simulator { $0.requiredToken = OAITest.token }
        defer { sim.stop() }
        let adapter = try OpenAICompatibleAdapter(
            entry: OAITest.entry(base: sim.url("/together/v1"), options: OAITest.togetherOptions),
            context: OAITest.context())
        let model = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
        let response = try await adapter.runInference(OAITest.chat(model, "the quick brown fox"))
        #expect(response.output == .text("the quick brown fox"))
        #expect(response.usage == TokenUsage(inputTokens: 4, outputTokens: 4))
        let sent = try #require(sim.requests.last)
        #expect(sent.path == "/together/v1/chat/completions")
        #expect(sent.json?["model"]?.stringValue == model)
        #expect(sent.header("Authorization") == "Bearer \(OAITest.token)")

        let events = try await OAITest.collect(adapter.streamInference(OAITest.chat(model, "jumps over the lazy dog")))
        #expect(OAITest.text(events) == "jumps over the lazy dog")
        #expect(events.contains(.usage(TokenUsage(inputTokens: 5, outputTokens: 5))))
        #expect(events.last == .finished(reason: "stop"))
        #expect(sim.requests.last?.json?["stream"] == .bool(true))
    }

    @Test func chatErrorsKeepTheirMeaning() async throws {
        let sim = try OAITest.simulator()
        defer { sim.stop() }
        let adapter = try OpenAICompatibleAdapter(
            entry: OAITest.entry(base: sim.url("/together/v1"), options: OAITest.togetherOptions),
            context: OAITest.context())
        let notServed = await OAITest.error { () async throws(ProviderError) in
            try await adapter.runInference(OAITest.chat("no/such-model", "hi"))
        }
        #expect(notServed?.code == .notServed)
        #expect(notServed?.status == 404)

        sim.inject(.rateLimited(retryAfterSeconds: 3), pathPrefix: "/together/v1/chat")
        let limited = await OAITest.error { () async throws(ProviderError) in
            try await adapter.runInference(OAITest.chat("meta-llama/Llama-3.3-70B-Instruct-Turbo", "hi"))
        }
        #expect(limited?.code == .rateLimited)
        #expect(limited?.retryAfterMs == 3000)

        sim.inject(.inBandStreamError(message: "upstream overloaded"), pathPrefix: "/together/v1/chat")
        let stream = try await adapter.streamInference(
            OAITest.chat("meta-llama/Llama-3.3-70B-Instruct-Turbo", "hi there"))
        await #expect(throws: ProviderError.self) { _ = try await OAITest.collect(stream) }
    }

    @Test func nonChatTasksAreUnsupported() async throws {
        let adapter = try OpenAICompatibleAdapter(
            entry: OAITest.entry(base: "https://api.test/v1"), context: OAITest.context())
        let request = InferenceRequest(model: "m", task: .summarization, input: "text")
        let error = await OAITest.error { () async throws(ProviderError) in try await adapter.runInference(request) }
        #expect(error?.code == .unsupported)
    }

    /// The template for ADDING_A_PROVIDER.md: a provider that exists only as a registry
    /// entry value and a simulator fixture.
    @Test func newProviderDefinedOnlyByItsEntry() async throws {
        let sim = try OAITest.simulator { fixtures in
            fixtures.compatibleProviders["acme"] = CompatibleProvider(
                listShape: .objectList,
                models: [
                    CompatibleModel(
                        id: "acme-large",
                        extra: [("pricing", ["in": "0.5", "out": "1.5"]), ("ctx", 65536), ("hf", "acme/Large-v1")]),
                    CompatibleModel(id: "acme-embed", extra: [("kind", "embedding")]),
                ])
        }
        defer { sim.stop() }
        let entry = ProviderEntry(
            key: "acme", adapter: "openai-compatible", baseURL: sim.url("/acme/v1"), authEnv: "ACME_API_KEY",
            region: RegionRecord(region: .eu, countries: ["DE"]),
            pricing: PricingConfig(source: .api, unit: .usdPerMillionTokens, zeroIsFree: false),
            options: JSONObject([
                ("list_envelope", "data"), ("price_input_field", "pricing.in"), ("price_output_field", "pricing.out"),
                ("context_field", "ctx"), ("hf_id_field", "hf"),
            ]))
        #expect(AdapterFactory.standard.validate(entry).isEmpty)
        let provider = try AdapterFactory.standard.make(
            entry,
            context: AdapterContext(environment: ["ACME_API_KEY": "acme-secret"], transport: CurlTransport.shared))

        let catalog = try await provider.listModels()
        let large = try #require(catalog.models.first { $0.id == "acme-large" })
        #expect(large.hfID == "acme/Large-v1")
        #expect(large.contextLength == 65536)
        #expect(large.price == OAITest.price(500_000, 1_500_000))
        #expect(catalog.models.first { $0.id == "acme-embed" }?.price?.state == .unknown)

        let answer = try await provider.runInference(OAITest.chat("acme-large", "bonjour"))
        #expect(answer.output == .text("bonjour"))
        #expect(sim.requests.last?.header("Authorization") == "Bearer acme-secret")
    }
}
