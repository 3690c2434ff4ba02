import Adapters
import Foundation
import ProviderInterface
import ProviderSimulator
import Testing

@Suite("broker serve: POST /v1/embeddings")
struct EmbeddingsTests {
    /// A harness whose registry adds the `embedco` provider (an embedding model at $0.02/M input tokens).
    static func harness() async throws -> ServeHarness {
        try await ServeHarness(editRegistry: { text in
            // The simulator's base URL is the hf entry's.
            guard let start = text.range(of: #""base_url": ""#)?.upperBound,
                let end = text[start...].firstIndex(of: "\"")
            else { return text }
            let base = String(text[start..<end])
            guard let close = text.range(of: "]}", options: .backwards) else { return text }
            return text.replacingCharacters(
                in: close.lowerBound..<close.lowerBound,
                with: ProviderSimulator.embeddingRegistryEntry(baseURL: base) + "\n")
        })
    }

    @Test("a Hugging Face feature-extraction model answers in OpenAI's shape, one vector per input")
    func huggingFaceFeatureExtraction() async throws {
        let h = try await ServeHarness()
        defer { Task { await h.stop() } }
        let response = try await h.send(
            "POST", "/v1/embeddings", json: ["model": "intfloat/multilingual-e5-large", "input": ["bonjour", "hello"]])
        #expect(response.status == 200, "\(response.text)")
        let answer = try JSONParser.parse(response.body)
        let data = try #require(answer["data"]?.arrayValue)
        #expect(data.map { $0["index"] } == [0, 1])
        #expect(data.allSatisfy { $0["object"] == "embedding" && $0["embedding"]?.arrayValue?.count == 8 })
        #expect(answer["broker"]?["served_by"] == "hf-inference")
        let upstream = try #require(h.simulator.requests.last { $0.path.contains("intfloat/multilingual-e5-large") })
        #expect(upstream.json?["inputs"]?.arrayValue?.count == 2)
    }

    @Test(
        "float and base64 vectors, an array input, usage billed per input token exactly, and the market lists the model"
    )
    func embeddings() async throws {
        let h = try await Self.harness()
        defer { Task { await h.stop() } }
        let model = SimulatorFixtures.embeddingModel
        let response = try await h.send(
            "POST", "/v1/embeddings", json: ["model": model, "input": ["one two three", "four five"], "user": "u-1"])
        #expect(response.status == 200, "\(response.text)")
        let answer = try JSONParser.parse(response.body)
        #expect(answer["object"] == "list")
        let data = try #require(answer["data"]?.arrayValue)
        #expect(data.map { $0["index"] } == [0, 1])
        #expect(data.allSatisfy { $0["object"] == "embedding" && $0["embedding"]?.arrayValue?.count == 8 })
        #expect(answer["usage"]?["prompt_tokens"] == 5)
        #expect(answer["model"] == .string(model))
        // 5 tokens at $0.02 per million = 5 × 20,000 pico-USD = 100,000 pico = 100 nano-USD.
        #expect(answer["broker"]?["cost_nano_usd"] == 100)
        #expect(response.header("x-broker-provider") == "embedco")
        let upstream = try #require(h.simulator.requests.last { $0.path == "/embedco/v1/embeddings" }?.json)
        #expect(upstream["user"] == "u-1")
        #expect(upstream["input"]?.arrayValue?.count == 2)

        let packed = try await h.send(
            "POST", "/v1/embeddings",
            json: ["model": model, "input": "one two three", "encoding_format": "base64", "dimensions": 4])
        let vector = try #require(JSONParser.parse(packed.body)["data"]?.arrayValue?.first?["embedding"]?.stringValue)
        let bytes = try #require(Data(base64Encoded: vector))
        #expect(bytes.count == 16, "four float32s")
        let floats = try #require(
            data.first?["embedding"]?.arrayValue?.prefix(4).compactMap { $0.numberText.flatMap(Float.init) })
        let raw = [UInt8](bytes)
        var decoded: [Float] = []
        for i in stride(from: 0, to: 16, by: 4) {
            var bits: UInt32 = 0
            for k in 0..<4 { bits |= UInt32(raw[i + k]) << UInt32(8 * k) }
            decoded.append(Float(bitPattern: bits))
        }
        #expect(decoded == Array(floats), "the same vector, packed")

        let bad = try await h.send("POST", "/v1/embeddings", json: ["model": model, "input": [1, 2]])
        #expect(bad.status == 400)
        let ledger = try JSONParser.parse(try await h.send("GET", "/v1/usage").body)
        #expect(ledger.arrayValue?.first { $0["provider"] == "embedco" }?["requests"] == 2)
        let market = try JSONParser.parse(
            try await h.send("GET", "/v1/marketplace/offers?task=feature-extraction").body)
        #expect(market.arrayValue?.contains { $0["model"] == .string(model) && $0["provider"] == "embedco" } == true)
    }
}
