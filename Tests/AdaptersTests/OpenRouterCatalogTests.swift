import ProviderInterface
import Testing

@testable import Adapters

/// OpenRouter's model list → catalog, and the `provider` preferences sent with chat.
@Suite("OpenRouter: catalog parsing")
struct OpenRouterCatalogTests {
    func parse(_ body: String, pricing: PricingConfig = PricingConfig()) throws -> ModelCatalog {
        let entry = ProviderEntry(
            key: "openrouter", adapter: "openrouter", baseURL: "https://openrouter.test/api/v1", pricing: pricing)
        return try OpenRouterCatalog(entry: entry).parse(JSONParser.parse(body))
    }

    static let body = #"""
        {"data":[
          {"id":"meta-llama/llama-3.1-8b-instruct","name":"Meta: Llama 3.1 8B Instruct","hugging_face_id":"meta-llama/Llama-3.1-8B-Instruct",
           "context_length":131072,"architecture":{"modality":"text->text","input_modalities":["text"],"output_modalities":["text"]},
           "pricing":{"prompt":"0.000000015","completion":"0.00000002","request":"0","image":"0"},
           "top_provider":{"context_length":131072,"max_completion_tokens":8192,"is_moderated":false}},
          {"id":"openrouter/auto","name":"Auto Router","hugging_face_id":"","context_length":2000000,
           "architecture":{"input_modalities":["text","image"],"output_modalities":["text"]},
           "pricing":{"prompt":"-1","completion":"-1"}},
          {"id":"meta-llama/llama-3.2-3b-instruct:free","hugging_face_id":null,
           "architecture":{"modality":"text->text"},"pricing":{"prompt":"0","completion":"0"},
           "top_provider":{"context_length":20000}},
          {"id":"google/gemini-2.5-flash-image","architecture":{"input_modalities":["text","image"],"output_modalities":["image","text"]},
           "pricing":{"prompt":"3.5e-7","completion":"0.0000025"}},
          {"id":"no/pricing","architecture":{"modality":"text+image->text"}}
        ]}
        """#

    @Test func pricesAreExactPicoUSDPerToken() throws {
        let models = try parse(Self.body).models
        #expect(models[0].price == OfferPrice(input: .amount(PicoUSD(15_000)), output: .amount(PicoUSD(20_000))))
        #expect(models[3].price?.input == .amount(PicoUSD(350_000)))
        #expect(models[3].price?.output == .amount(PicoUSD(2_500_000)))
    }

    @Test func zeroIsFreeMinusOneAndMissingAreUnknown() throws {
        let models = try parse(Self.body).models
        #expect(models[2].price?.state == .free)
        #expect(models[1].price?.state == .unknown)
        #expect(models[4].price?.state == .unknown)
    }

    @Test func hfIDContextAndServedBy() throws {
        let models = try parse(Self.body).models
        #expect(models[0].hfID == "meta-llama/Llama-3.1-8B-Instruct")
        #expect(models[1].hfID == nil)  // "" means none
        #expect(models[2].hfID == nil)
        #expect(models[0].contextLength == 131072)
        #expect(models[2].contextLength == 20000)  // from top_provider
        #expect(models[4].contextLength == nil)
        #expect(models.allSatisfy { $0.servedBy == "openrouter" })
        #expect(models[0].name == "Meta: Llama 3.1 8B Instruct")
    }

    @Test func modalitiesBecomeTasks() throws {
        let models = try parse(Self.body).models
        #expect(
            models.map(\.task) == [.conversational, .conversational, .conversational, .textToImage, .conversational])
        #expect(models[1].inputModalities == ["text", "image"])
        #expect(models[4].inputModalities == ["text", "image"])  // parsed from "text+image->text"
        #expect(OpenRouterCatalog.task(input: ["text"], output: ["audio"]) == ModelTask("text-to-speech"))
        #expect(OpenRouterCatalog.task(input: ["text"], output: ["embeddings"]) == .featureExtraction)
    }

    @Test func tableOverridesAnAPIPrice() throws {
        let row = StaticPrice(
            model: "openrouter/auto", price: OfferPrice(input: .amount(PicoUSD(1)), output: .amount(PicoUSD(2))))
        let models = try parse(Self.body, pricing: PricingConfig(table: [row])).models
        #expect(models[1].price == row.price)
    }

    @Test func aListWithoutDataIsMalformed() {
        #expect(throws: ProviderError.self) { try parse(#"[{"id":"x"}]"#) }
    }

    @Test func pagesAreFollowedOnlyOnTheSameOrigin() {
        let origin = "https://openrouter.test/api/v1"
        #expect(
            OpenRouterCatalog.nextPage(
                ["links": ["next": "https://openrouter.test/api/v1/models?offset=100"]], origin: origin)
                == "https://openrouter.test/api/v1/models?offset=100")
        #expect(
            OpenRouterCatalog.nextPage(["links": ["next": "/api/v1/models?offset=5"]], origin: origin)
                == "https://openrouter.test/api/v1/models?offset=5")
        #expect(OpenRouterCatalog.nextPage(["links": ["next": "https://evil.test/models"]], origin: origin) == nil)
        #expect(OpenRouterCatalog.nextPage(["links": ["next": nil]], origin: origin) == nil)
    }
}

@Suite("OpenRouter: provider preferences")
struct OpenRouterPreferencesTests {
    @Test func pinnedUpstreamIsSentWithoutFallbacks() {
        let request = InferenceRequest(model: "m", task: .conversational, servedBy: "together")
        #expect(
            JSONWriter.string(.object(OpenRouterAdapter.extraBody(request, key: "openrouter")))
                == #"{"provider":{"order":["together"],"allow_fallbacks":false}}"#)
    }

    @Test func noUpstreamOrOpenRouterItselfSendsNothing() {
        #expect(
            OpenRouterAdapter.extraBody(InferenceRequest(model: "m", task: .conversational), key: "openrouter").count
                == 0)
        let own = InferenceRequest(model: "m", task: .conversational, servedBy: "openrouter")
        #expect(OpenRouterAdapter.extraBody(own, key: "openrouter").count == 0)
    }

    @Test func policyBecomesASortWhenNothingIsPinned() {
        let cheapest = InferenceRequest(model: "m", task: .conversational, aggregatorPolicy: "cheapest")
        #expect(
            JSONWriter.string(.object(OpenRouterAdapter.extraBody(cheapest, key: "openrouter")))
                == #"{"provider":{"sort":"price"}}"#)
    }

    @Test func servedByReportsThePinnedOrNamedUpstream() {
        let pinned = InferenceRequest(model: "m", task: .conversational, servedBy: "deepinfra")
        #expect(OpenRouterAdapter.servedBy(request: pinned, reported: "Together", key: "openrouter") == "deepinfra")
        let free = InferenceRequest(model: "m", task: .conversational)
        #expect(
            OpenRouterAdapter.servedBy(request: free, reported: "Google AI Studio", key: "openrouter")
                == "google-ai-studio")
        #expect(OpenRouterAdapter.servedBy(request: free, reported: nil, key: "openrouter") == "openrouter")
    }
}
