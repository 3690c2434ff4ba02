import ProviderInterface
import ProviderSimulator
import Testing

@testable import Adapters

/// Helpers for adapter tests against the loopback simulator.
enum OAITest {
    static let token = "sk-oai-test-0123456789"

    /// A started simulator; stop it with `defer { sim.stop() }`.
    static func simulator(_ configure: (inout SimulatorFixtures) -> Void = { _ in }) throws -> ProviderSimulator {
        var fixtures = SimulatorFixtures()
        configure(&fixtures)
        let sim = ProviderSimulator(fixtures: fixtures)
        try sim.start()
        return sim
    }

    static func context(token: String? = OAITest.token, variable: String = "OAI_TEST_KEY") -> AdapterContext {
        AdapterContext(environment: token.map { [variable: $0] } ?? [:], transport: CurlTransport.shared)
    }

    static func entry(
        key: String = "together", adapter: String = "openai-compatible", base: String, options: JSONValue = [:],
        pricing: PricingConfig = PricingConfig(), region: Region = .unknown, authEnv: String? = "OAI_TEST_KEY"
    ) -> ProviderEntry {
        ProviderEntry(
            key: key, adapter: adapter, baseURL: base, authEnv: authEnv, region: RegionRecord(region: region),
            timeoutMs: 10_000, firstByteTimeoutMs: 5_000, pricing: pricing, options: options.objectValue ?? JSONObject()
        )
    }

    /// The registry's Together entry (options as in provider_registry.json).
    static let togetherOptions: JSONValue = [
        "list_envelope": "array", "price_input_field": "pricing.input", "price_output_field": "pricing.output",
        "context_field": "context_length", "type_field": "type", "chat_types": ["chat", "language", "code"],
    ]

    static func chat(_ model: String, _ text: String, servedBy: String? = nil) -> InferenceRequest {
        InferenceRequest(
            model: model, task: .conversational, servedBy: servedBy,
            messages: [ChatMessage(role: "user", content: text)])
    }

    static func collect(_ stream: AsyncThrowingStream<InferenceEvent, any Error>) async throws -> [InferenceEvent] {
        var events: [InferenceEvent] = []
        for try await event in stream { events.append(event) }
        return events
    }

    static func text(_ events: [InferenceEvent]) -> String {
        events.compactMap(\.text).joined()
    }

    /// The error `body` throws, or `nil`.
    static func error<T>(_ body: () async throws(ProviderError) -> T) async -> ProviderError? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error
        }
    }

    static func price(_ input: Int64, _ output: Int64) -> OfferPrice {
        OfferPrice(input: .amount(PicoUSD(input)), output: .amount(PicoUSD(output)))
    }
}

extension Array where Element == InferenceEvent {
    /// The events with each chunk reduced to its text as a `.delta` (chunks without text
    /// and the response head's `.opened` dropped): what a text-only consumer sees.
    var textDeltas: [InferenceEvent] {
        compactMap { event in
            if case .opened = event { return nil }
            guard case .chunk(let chunk) = event else { return event }
            return chunk.text.isEmpty ? nil : .delta(chunk.text)
        }
    }
}
