import Foundation
import ProviderSimulator
import Testing

@Suite("broker run --task feature-extraction goes through the provider's /embeddings")
struct RunEmbeddingsTests {
    @Test("the embedding model is in the market and a run returns its vectors, billed per input token")
    func runEmbeddings() async throws {
        let market = try SimulatedMarket(fixtures: SimulatorFixtures())
        defer { market.stop() }
        try market.simulator.testRegistryJSON(extraProviders: market.simulator.embeddingRegistryEntry())
            .write(to: market.registry, atomically: true, encoding: .utf8)
        let refresh = try await market.broker(["refresh", "--provider", "embedco"])
        #expect(refresh.code == 0, "\(refresh.stderr)")
        let (_, offersJSON) = try await market.json(["market", "--task", "feature-extraction"])
        let offers = try #require(offersJSON as? [[String: Any]])
        #expect(
            offers.contains {
                $0["model"] as? String == SimulatorFixtures.embeddingModel && $0["provider"] as? String == "embedco"
            })
        let (result, json) = try await market.json([
            "run", "--model", SimulatorFixtures.embeddingModel, "--task", "feature-extraction", "--prompt", "one two",
        ])
        #expect(result.code == 0, "\(result.stderr)")
        let object = try #require(json as? [String: Any])
        let output = try #require(object["output"] as? [String: Any])
        let data = try #require(output["data"] as? [[String: Any]])
        #expect((data.first?["embedding"] as? [Double])?.count == 8)
        #expect((object["usage"] as? [String: Int])?["input_tokens"] == 2)
        #expect(object["cost_nano_usd"] as? Int == 40, "2 tokens × 20,000 pico-USD")
        #expect(market.simulator.requests.contains { $0.path == "/embedco/v1/embeddings" })
    }
}
