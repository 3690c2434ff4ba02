import ProviderInterface
import Testing

@testable import Adapters

/// The model list → catalog conversion of the `openai-compatible` adapter, on recorded bodies.
@Suite("OpenAI-compatible: catalog parsing and price units")
struct OpenAICompatibleCatalogTests {
    func catalog(
        _ body: String, options optionsValue: JSONValue, pricing: PricingConfig = PricingConfig(),
        region: Region = .unknown
    ) throws -> ModelCatalog {
        let options = optionsValue.objectValue ?? JSONObject()
        let entry = ProviderEntry(
            key: "p", adapter: "openai-compatible", baseURL: "https://api.test/v1",
            region: RegionRecord(region: region),
            pricing: pricing, options: options)
        #expect(OpenAICompatibleOptions.validate(entry).isEmpty)
        let reader = OpenAICompatibleCatalog(entry: entry, options: OpenAICompatibleOptions(options))
        return try reader.parse(JSONParser.parse(body))
    }

    static let priceFields: JSONValue = ["price_input_field": "pricing.input", "price_output_field": "pricing.output"]

    @Test func usdPerTokenStringsConvertExactly() throws {
        let body = #"{"data":[{"id":"a","pricing":{"input":"0.000000015","output":"3.5e-7"}}]}"#
        let models = try catalog(body, options: Self.priceFields, pricing: PricingConfig(unit: .usdPerToken)).models
        #expect(models[0].price?.input == .amount(PicoUSD(15_000)))
        #expect(models[0].price?.output == .amount(PicoUSD(350_000)))
    }

    @Test func usdPerMillionNumbersConvertExactly() throws {
        let body = #"[{"id":"a","pricing":{"input":0.88,"output":1.2e0}}]"#
        let models = try catalog(body, options: Self.priceFields, pricing: PricingConfig(unit: .usdPerMillionTokens))
            .models
        #expect(models[0].price == OfferPrice(input: .amount(PicoUSD(880_000)), output: .amount(PicoUSD(1_200_000))))
    }

    @Test func novitaTenThousandthsOfAUSDPerMillion() throws {
        let body = #"{"data":[{"id":"n","input_token_price_per_m":2700,"output_token_price_per_m":"5400"}]}"#
        let options: JSONValue = [
            "price_input_field": "input_token_price_per_m", "price_output_field": "output_token_price_per_m",
        ]
        let models = try catalog(
            body, options: options, pricing: PricingConfig(unit: .tenThousandthUSDPerMillionTokens)
        ).models
        #expect(models[0].price?.input == .amount(PicoUSD(270_000)))
        #expect(models[0].price?.output == .amount(PicoUSD(540_000)))
    }

    @Test func deepInfraNestedMetadataPath() throws {
        let body =
            #"{"data":[{"id":"d","metadata":{"pricing":{"input_tokens":0.03,"output_tokens":0.05},"context_length":32768}}]}"#
        let options: JSONValue = [
            "price_input_field": "metadata.pricing.input_tokens",
            "price_output_field": "metadata.pricing.output_tokens",
            "context_field": "metadata.context_length",
        ]
        let model = try catalog(body, options: options).models[0]
        #expect(model.price == OfferPrice(input: .amount(PicoUSD(30_000)), output: .amount(PicoUSD(50_000))))
        #expect(model.contextLength == 32768)
    }

    @Test func zeroIsFreeOrUnknownAsTheEntrySays() throws {
        let body = #"[{"id":"zero","pricing":{"input":0,"output":0}},{"id":"half","pricing":{"input":0,"output":0.6}}]"#
        let free = try catalog(body, options: Self.priceFields, pricing: PricingConfig(zeroIsFree: true)).models
        #expect(free[0].price?.state == .free)
        let together = try catalog(body, options: Self.priceFields, pricing: PricingConfig(zeroIsFree: false)).models
        #expect(together[0].price?.state == .unknown)
        // A zero prompt next to a real completion price is still a real offer.
        #expect(together[1].price == OfferPrice(input: .amount(.zero), output: .amount(PicoUSD(600_000))))
    }

    @Test func sentinelsMissingAndJunkAreUnknownNeverZero() throws {
        let body = #"""
            {"data":[{"id":"neg","pricing":{"input":"-1","output":"-1"}},
                     {"id":"missing"},
                     {"id":"junk","pricing":{"input":"free","output":null}}]}
            """#
        let models = try catalog(body, options: Self.priceFields, pricing: PricingConfig(unit: .usdPerToken)).models
        #expect(models.map { $0.price?.state } == [.unknown, .unknown, .unknown])
        #expect(models.allSatisfy { $0.price?.input.amount == nil })
    }

    @Test func envelopeIsDetectedOrEnforced() throws {
        #expect(try catalog(#"[{"id":"a"}]"#, options: [:]).models.map(\.id) == ["a"])
        #expect(try catalog(#"{"object":"list","data":[{"id":"b"}]}"#, options: [:]).models.map(\.id) == ["b"])
        #expect(throws: ProviderError.self) { try catalog(#"[{"id":"a"}]"#, options: ["list_envelope": "data"]) }
        #expect(throws: ProviderError.self) {
            try catalog(#"{"data":[{"id":"a"}]}"#, options: ["list_envelope": "array"])
        }
        #expect(throws: ProviderError.self) { try catalog(#"{"models":[]}"#, options: [:]) }
    }

    @Test func typeFilterKeepsChatModelsAndCountsTheRest() throws {
        let body =
            #"[{"id":"c","type":"chat"},{"id":"e","type":"embedding"},{"id":"i","type":"image"},{"id":"x"},{"type":"chat"}]"#
        let result = try catalog(body, options: ["type_field": "type", "chat_types": ["chat", "language"]])
        #expect(result.models.map(\.id) == ["c"])
        #expect(result.skipped == ["type embedding": 1, "type image": 1, "type none": 1, "item without an id": 1])
    }

    @Test func hfIDContextNameAndTaskFields() throws {
        let body = #"[{"id":"m","hf":"org/M","context_length":"131072","display_name":"M Large"},{"id":"n","hf":""}]"#
        let models = try catalog(body, options: ["hf_id_field": "hf", "default_task": "text-generation"]).models
        #expect(models[0].hfID == "org/M")
        #expect(models[0].contextLength == 131072)
        #expect(models[0].name == "M Large")
        #expect(models[0].task == .textGeneration)
        #expect(models[1].hfID == nil)
        #expect(models[0].price == nil)  // no price fields, no table: the list carries no price
    }

    @Test func staticTableRowsOverrideListPricesAndFillGaps() throws {
        let row = StaticPrice(
            model: "m", hfID: "org/M", contextLength: 8192,
            price: OfferPrice(input: .amount(PicoUSD(590_000)), output: .amount(PicoUSD(790_000))))
        let body = #"[{"id":"m","pricing":{"input":9,"output":9}},{"id":"other","pricing":{"input":1,"output":2}}]"#
        let models = try catalog(body, options: Self.priceFields, pricing: PricingConfig(table: [row])).models
        #expect(models[0].price == row.price)
        #expect(models[0].hfID == "org/M")
        #expect(models[0].contextLength == 8192)
        #expect(models[1].price?.input == .amount(PicoUSD(1_000_000)))
    }

    @Test func staticSourceLeavesUntabledModelsUnknown() throws {
        let body = #"{"data":[{"id":"listed-only"}]}"#
        let models = try catalog(body, options: [:], pricing: PricingConfig(source: .static)).models
        #expect(models[0].price == .unknown)
    }

    @Test func localServerWithoutPricingIsFree() throws {
        let body = #"{"object":"list","data":[{"id":"llama3.2:latest","object":"model","owned_by":"library"}]}"#
        let local = try catalog(body, options: [:], pricing: PricingConfig(source: .none), region: .local).models
        #expect(local[0].price?.state == .free)
        let remote = try catalog(body, options: [:], pricing: PricingConfig(source: .none), region: .us).models
        #expect(remote[0].price == nil)
    }

    @Test func quotesCarryEveryModelWithUnknownWhenUnpriced() throws {
        let body = #"[{"id":"a","pricing":{"input":1,"output":2}},{"id":"b"}]"#
        let quotes = OpenAICompatibleCatalog.quotes(try catalog(body, options: Self.priceFields))
        #expect(quotes.map(\.model) == ["a", "b"])
        #expect(quotes[0].price.state == .priced)
        #expect(quotes[1].price.state == .unknown)
    }
}

@Suite("OpenAI-compatible: option validation")
struct OpenAICompatibleOptionsTests {
    func issues(_ options: JSONValue, pricing: PricingConfig = PricingConfig()) -> [String] {
        let entry = ProviderEntry(
            key: "p", adapter: "openai-compatible", baseURL: "https://api.test", pricing: pricing,
            options: options.objectValue ?? JSONObject())
        return AdapterFactory.standard.validate(entry).map(\.path)
    }

    @Test func defaultsAreValid() { #expect(issues([:]).isEmpty) }

    @Test func everyBadOptionIsNamed() {
        #expect(issues(["models_path": "models"]) == ["options.models_path"])
        #expect(issues(["chat_path": 3]) == ["options.chat_path"])
        #expect(issues(["list_envelope": "dict"]) == ["options.list_envelope"])
        #expect(issues(["price_input_field": "pricing.input"]) == ["options.price_output_field"])
        #expect(issues(["type_field": "type"]) == ["options.type_field"])
        #expect(issues(["chat_types": ["chat"]]) == ["options.chat_types"])
        #expect(issues(["chat_types": "chat", "type_field": "type"]) == ["options.chat_types"])
        #expect(issues(["model_path": "/models"]) == ["options.model_path"])
        #expect(issues(["responses": "natve"]) == ["options.responses"])
        #expect(issues(["responses": true]) == ["options.responses"])
        #expect(issues(["responses_path": "responses"]) == ["options.responses_path"])
        #expect(issues(["responses": "native", "responses_path": "/v2/responses"]).isEmpty)
        #expect(issues([:], pricing: PricingConfig(source: .static, catalogIsTable: true)) == ["pricing.models"])
    }

    @Test func absoluteModelsURLIsAccepted() {
        #expect(issues(["models_path": "https://catalog.test/public/models"]).isEmpty)
    }
}
