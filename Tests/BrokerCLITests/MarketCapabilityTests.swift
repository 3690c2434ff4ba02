import Foundation
import ProviderSimulator
import Testing

@Suite("market shows what offers support and filters by it")
struct MarketCapabilityTests {
    @Test("--supports vision keeps the offers whose catalog lists image input; JSON shows every capability")
    func supportsFilter() async throws {
        let market = try SimulatedMarket(fixtures: SimulatorFixtures())
        defer { market.stop() }
        #expect(try await market.broker(["refresh", "--provider", "hf"]).code == 0)
        let (all, allJSON) = try await market.json(["market", "--provider", "hf", "--task", "chat"])
        #expect(all.code == 0, "\(all.stderr)")
        let offers = try #require(allJSON as? [[String: Any]])
        let llama = try #require(offers.first { $0["model"] as? String == "meta-llama/Llama-3.1-8B-Instruct" })
        #expect(llama["supports_vision"] as? Bool == false, "the router lists text input only")
        let (vision, visionJSON) = try await market.json(["market", "--supports", "vision"])
        #expect(vision.code == 0, "\(vision.stderr)")
        let visual = try #require(visionJSON as? [[String: Any]])
        #expect(!visual.isEmpty)
        #expect(visual.allSatisfy { $0["model"] as? String == "mistralai/Mistral-Small-3.1-24B-Instruct-2503" })
        #expect(visual.allSatisfy { ($0["capabilities"] as? [String])?.contains("vision") == true })
        let bad = try await market.broker(["market", "--supports", "telepathy"])
        #expect(bad.code == 64)
        #expect(bad.stderr.contains("--supports") && bad.stderr.contains("tools, json-schema, vision"), "\(bad.stderr)")
    }

    @Test("run with an image exits 69 naming vision when no offer of the model takes images")
    func noOfferTakesImages() async throws {
        let market = try SimulatedMarket(fixtures: SimulatorFixtures())
        defer { market.stop() }
        #expect(try await market.broker(["refresh", "--provider", "hf"]).code == 0)
        let input =
            #"[{"role":"user","content":[{"type":"text","text":"what is it"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}]"#
        let result = try await market.broker(["run", "--model", "l8", "--input", input])
        #expect(result.code == 69, "\(result.stderr)")
        #expect(result.stderr.contains("does not support vision"), "\(result.stderr)")
    }
}
