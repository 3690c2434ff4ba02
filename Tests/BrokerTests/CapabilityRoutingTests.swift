import Broker
import ProviderInterface
import Testing

@Suite("Capability-aware routing: known support first, unknown next, known lack never")
struct CapabilityRoutingTests {
    static func offer(_ provider: String, input: Int64, tools: Bool? = nil, schema: Bool? = nil, vision: Bool? = nil)
        -> Offer
    {
        var offer = Offer(
            provider: provider, model: "m", task: .conversational,
            price: OfferPrice(input: .amount(PicoUSD(input)), output: .amount(PicoUSD(input))),
            supportsTools: tools, supportsStructuredOutput: schema)
        offer.supportsImages = vision
        return offer
    }

    let order = ["a": 0, "b": 1, "c": 2, "d": 3]

    @Test func aToolsRequestGoesToKnownSupportFirstThenUnknownAndNeverToKnownLack() {
        let offers = [
            Self.offer("a", input: 400, tools: true),
            Self.offer("b", input: 100),  // unknown, cheaper
            Self.offer("c", input: 50, tools: false),  // cheapest, but known not to
            Self.offer("d", input: 300, tools: true),
        ]
        var request = RouteRequest(model: "m", estimatedInputTokens: 10, estimatedOutputTokens: 10)
        #expect(
            Router.plan(request, offers: offers, registryOrder: order).candidates.map(\.provider) == [
                "c", "b", "d", "a",
            ])
        request.capabilities = [.tools]
        let plan = Router.plan(request, offers: offers, registryOrder: order)
        #expect(plan.candidates.map(\.provider) == ["d", "a", "b"], "known support in price order, then unknown")
        #expect(plan.excluded.map(\.offer.provider) == ["c"])
        #expect(plan.excluded.first?.reason == "does not support tools (the request uses it)")
    }

    @Test func everyUsedCapabilityMustBeKnownForTheFirstRankAndAnyKnownLackExcludes() {
        let offers = [
            Self.offer("a", input: 100, tools: true, vision: nil),
            Self.offer("b", input: 200, tools: true, vision: true),
            Self.offer("c", input: 50, tools: true, schema: true, vision: false),
        ]
        var request = RouteRequest(model: "m")
        request.capabilities = [.tools, .vision]
        let plan = Router.plan(request, offers: offers, registryOrder: order)
        #expect(plan.candidates.map(\.provider) == ["b", "a"])
        #expect(plan.excluded.map(\.reason) == ["does not support vision (the request uses it)"])
        request.capabilities = [.jsonSchema]
        #expect(
            Router.plan(request, offers: offers, registryOrder: order).candidates.map(\.provider) == ["c", "a", "b"])
    }

    @Test func aChatRequestSaysWhichCapabilitiesItUses() {
        let image = ChatMessage(
            role: "user", content: "what is this",
            wire: OpenAIMessage(
                role: "user",
                content: [["type": "text", "text": "what is this"], ["type": "image_url", "image_url": ["url": "x"]]]))
        let parameters = JSONObject([
            ("tools", [["type": "function", "function": ["name": "f"]]]),
            ("response_format", ["type": "json_schema", "json_schema": ["name": "s", "schema": [:]]]),
        ])
        #expect(RouteRequest.capabilities(parameters: parameters, messages: [image]) == [.tools, .jsonSchema, .vision])
        let plain = JSONObject([("tools", []), ("response_format", ["type": "json_object"])])
        #expect(
            RouteRequest.capabilities(parameters: plain, messages: [ChatMessage(role: "user", content: "hi")]).isEmpty)
    }
}

@Suite("The registry declares capabilities")
struct RegistryCapabilityTests {
    func load(_ capabilities: String) throws(RegistryError) -> Registry {
        try RegistryLoader().parse(
            Array(
                """
                {"version": 1, "providers": [{"key": "local", "adapter": "openai-compatible", "base_url": "http://127.0.0.1:11434/v1",
                  "capabilities": \(capabilities)}]}
                """.utf8), file: "reg.json", directory: "/tmp")
    }

    @Test func declaredCapabilitiesAreReadAndBadOnesNamed() throws {
        let registry = try load(#"{"tools": true, "json_schema": false, "vision": true}"#)
        #expect(registry.entry("local")?.capabilities == [.tools: true, .jsonSchema: false, .vision: true])
        #expect(throws: RegistryError.self) { try load(#"{"telepathy": true}"#) }
        do {
            _ = try load(#"{"tools": "yes", "x": true}"#)
            Issue.record("a bad declaration loaded")
        } catch {
            #expect(error.issues.map(\.path) == ["providers[0].capabilities.tools", "providers[0].capabilities.x"])
        }
    }
}
