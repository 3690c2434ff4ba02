import ProviderInterface
import Testing

@testable import Adapters

@Suite("Hugging Face router catalog prices")
struct HuggingFacePricingTests {
    static let catalog = """
        {"object":"list","data":[
          {"id":"meta-llama/Llama-3.1-8B-Instruct","object":"model","created":1,"owned_by":"meta-llama",
           "architecture":{"input_modalities":["text"],"output_modalities":["text"]},
           "providers":[
             {"provider":"together","status":"live","context_length":131072,"pricing":{"input":0.15,"output":1.69},
              "supports_tools":true,"supports_structured_output":false,"first_token_latency_ms":412.6,"throughput":88.2,"is_model_author":false},
             {"provider":"scaleway","status":"live","pricing":{"input":3.38,"output":3.38e0}},
             {"provider":"ovhcloud","status":"live","context_length":8192},
             {"provider":"groq","status":"live","is_free":true},
             {"provider":"nscale","status":"error","pricing":{"input":0.1,"output":0.1}},
             {"provider":"mystery","status":"live","pricing":{"input":0.1,"output":0.1}}
           ]},
          {"id":"Qwen/Qwen2.5-72B-Instruct","providers":[{"provider":"together","status":"live","pricing":{"input":0,"output":0}}]},
          {"id":"no/providers"}
        ]}
        """

    @Test func pricesAreConvertedExactlyFromTheNumbersText() async throws {
        let (adapter, transport) = HFTest.adapter { _ in HFTest.json(Self.catalog) }
        let quotes = try await adapter.getPricing()
        let request = try #require(transport.requests.first)
        #expect(request.url == "https://router.test/v1/models")
        #expect(request.header("authorization") == nil)
        #expect(
            quotes.map { "\($0.model)|\($0.servedBy ?? "")" } == [
                "meta-llama/Llama-3.1-8B-Instruct|together", "meta-llama/Llama-3.1-8B-Instruct|scaleway",
                "meta-llama/Llama-3.1-8B-Instruct|ovhcloud", "meta-llama/Llama-3.1-8B-Instruct|groq",
                "Qwen/Qwen2.5-72B-Instruct|together",
            ])
        let together = quotes[0]
        #expect(together.price == OfferPrice(input: .amount(PicoUSD(150_000)), output: .amount(PicoUSD(1_690_000))))
        #expect(together.contextLength == 131_072)
        #expect(together.supportsTools == true)
        #expect(together.supportsStructuredOutput == false)
        #expect(together.firstTokenLatencyMs == 413)
        #expect(together.throughputTokensPerSecond == 88)
        #expect(quotes[1].price == OfferPrice(input: .amount(PicoUSD(3_380_000)), output: .amount(PicoUSD(3_380_000))))
        #expect(quotes[2].price.state == .unknown)
        #expect(quotes[2].contextLength == 8192)
        #expect(quotes[3].price.state == .free)
        #expect(quotes[4].price.state == .free)
    }

    @Test func stringPricesNullPricingAndEscapesAreRead() async throws {
        let body =
            #"{"data":[{"providers":[{"provider":"together","status":"live","pricing":{"input":"0.15","output":" 1.69 "},"context_length":"big"},"#
            + #"{"provider":"groq","status":"live","pricing":null,"is_free":true}],"id":"org\/m\u00e9"}],"object":"list"}"#
        let (adapter, _) = HFTest.adapter { _ in HFTest.json(body) }
        let quotes = try await adapter.getPricing()
        #expect(
            quotes == [
                PriceQuote(
                    model: "org/mé", servedBy: "together",
                    price: OfferPrice(input: .amount(PicoUSD(150_000)), output: .amount(PicoUSD(1_690_000)))),
                PriceQuote(model: "org/mé", servedBy: "groq", price: .free),
            ])
    }

    @Test(arguments: [
        "0.15", "1.69", "3.38", "0", "0.0", "12", "0.000001", "0.0000015", "0.0000014", "3.5e-1", "-1",
        "99999999999.999999", "1234567890123.5", "9223372036854.775807",
    ])
    func inPlaceNumberReadingMatchesDecimalText(text: String) async throws {
        let body =
            #"{"data":[{"id":"a/b","providers":[{"provider":"together","status":"live","pricing":{"input":\#(text),"output":1}}]}]}"#
        let (adapter, _) = HFTest.adapter { _ in HFTest.json(body) }
        let quote = try #require(try await adapter.getPricing().first)
        #expect(quote.price.input == PriceValue.parse(text, unit: .usdPerMillionTokens))
    }

    @Test func zeroIsUnknownWhenTheRegistrySaysSo() async throws {
        let (adapter, _) = HFTest.adapter(HFTest.entry(pricing: PricingConfig(zeroIsFree: false))) { _ in
            HFTest.json(Self.catalog)
        }
        let quotes = try await adapter.getPricing()
        #expect(quotes.last?.price.state == .unknown)
    }

    @Test(arguments: [
        #"{"data":[{"id":"a","providers":[{"provider":"together","status":"live","pricing":{"input":"cheap","output":1}}]}]}"#,
        #"{"data":[{"providers":[]}]}"#, #"{"object":"list"}"#, "nope", #"{"data":[]} trailing"#,
        #"{"data":[{"id":"a","architecture":{"input_modalities":[,]},"providers":[]}]}"#,
        #"{"data":[{"id":"a","providers":[{"status":"live"}]}]}"#,
        #"{"data":[{"id":"a","providers":[{"provider":"x","status":"live","pricing":[1]}]}]}"#,
    ])
    func malformedCatalogIsAnError(body: String) async {
        let (adapter, _) = HFTest.adapter { _ in HFTest.json(body) }
        await #expect {
            _ = try await adapter.getPricing()
        } throws: { ($0 as? ProviderError)?.code == .malformedResponse }
    }

    @Test func hfInferenceTasksAreQuotedByComputeTime() async throws {
        let listing =
            #"[{"id":"s/sum","pipeline_tag":"summarization","inferenceProviderMapping":[{"provider":"hf-inference","providerId":"s/sum","status":"live","task":"summarization"}]},"#
            + #"{"id":"t/tr","pipeline_tag":"translation","inferenceProviderMapping":[{"provider":"hf-inference","providerId":"t/tr","status":"live","task":"translation"}]}]"#
        let table = [
            StaticPrice(
                model: "t/tr", task: .translation,
                price: OfferPrice(billing: .computeTime, unit: .amount(PicoUSD(12_000_000))))
        ]
        let (adapter, _) = HFTest.adapter(HFTest.entry(pricing: PricingConfig(table: table))) { request in
            request.url.contains("/api/models") ? HFTest.json(listing) : HFTest.json(#"{"data":[]}"#)
        }
        let catalog = try await adapter.listModels()
        #expect(catalog.models.map(\.price) == [OfferPrice(billing: .computeTime), table[0].price])
        let quotes = try await adapter.getPricing()
        #expect(
            quotes == [
                PriceQuote(model: "s/sum", servedBy: "hf-inference", price: OfferPrice(billing: .computeTime)),
                PriceQuote(model: "t/tr", servedBy: "hf-inference", price: table[0].price),
            ])
        #expect(quotes[0].price.state == .unknown)
    }

    @Test func routerErrorIsMapped() async {
        let (adapter, _) = HFTest.adapter { _ in HFTest.json(#"{"error":"busy"}"#, status: 502) }
        await #expect {
            _ = try await adapter.getPricing()
        } throws: { ($0 as? ProviderError)?.code == .providerError && ($0 as? ProviderError)?.status == 502 }
    }
}
