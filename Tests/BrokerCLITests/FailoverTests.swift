import Foundation
import ProviderSimulator
import Testing

/// Failures that belong to one offer move on to the next one while nothing has been output.
@Suite("failover where another offer can still answer")
struct FailoverTests {
    static let llama8B = "meta-llama/Llama-3.1-8B-Instruct"

    /// A market with a cheapest `junk` offer of Llama 8B (a registry table, so no catalog call)
    /// at `baseURL`, sending the `ACME_KEY` credential.
    func market(junkAt baseURL: ((ProviderSimulator) -> String)? = nil) async throws -> SimulatedMarket {
        // The simulator's URL is only known once it runs: write the entry with a placeholder.
        let junk = #"""
            , {"key": "junk", "adapter": "openai-compatible", "base_url": "JUNK_URL", "auth_env": "ACME_KEY",
               "region": {"region": "eu"},
               "pricing": {"source": "static", "catalog": "table", "unit": "usd_per_mtok", "taken": "2026-12-01",
                 "models": [{"model": "junk-llama-8b", "hf_id": "meta-llama/Llama-3.1-8B-Instruct",
                             "context_length": 131072, "input": "0.01", "output": "0.01"}]}}
            """#
        let market = try SimulatedMarket(extraProviders: junk)
        let url = baseURL?(market.simulator) ?? market.simulator.baseURL + "/junk/v1"
        let text = try String(contentsOf: market.registry, encoding: .utf8).replacingOccurrences(
            of: "JUNK_URL", with: url)
        try text.write(to: market.registry, atomically: true, encoding: .utf8)
        for provider in ["hf", "junk"] {
            let refresh = try await market.broker(["refresh", "--provider", provider])
            #expect(refresh.code == 0, "\(refresh.stderr)")
        }
        return market
    }

    /// Runs one request (plain or streamed) and checks it was answered after `junk` failed with
    /// `outcome`, its error naming the provider and containing `detail`.
    func expectFailover(_ market: SimulatedMarket, outcome: String, detail: String, stream: Bool = false) async throws {
        var args = ["run", "--model", Self.llama8B, "--prompt", "still answered", "--format", "json"]
        if stream { args.append("--stream") }
        let result = try await market.broker(args)
        #expect(result.code == 0, "\(result.stderr)")
        let last = try #require(result.stdout.split(separator: "\n").last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        #expect(object["output"] as? String == "still answered")
        let attempts = try #require(object["attempts"] as? [[String: Any]])
        #expect(attempts.count >= 2)
        let first = try #require(attempts.first)
        #expect(first["provider"] as? String == "junk")
        #expect(first["outcome"] as? String == outcome)
        let error = first["error"] as? String ?? ""
        #expect(error.hasPrefix("junk: ") && error.contains(detail), "\(error)")
        #expect(!error.contains(SimulatedMarket.acmeKey))
        #expect(attempts.last?["outcome"] as? String == "ok")
    }

    @Test("a 200 with an empty or unparseable body moves on to the next offer")
    func garbageBody() async throws {
        let market = try await market()
        defer { market.stop() }
        market.simulator.inject(.status(200, body: ""), pathPrefix: "/junk/", count: 1)
        try await expectFailover(market, outcome: "malformed_response", detail: "HTTP")
        market.simulator.inject(.status(200, body: "<html>maintenance</html>"), pathPrefix: "/junk/", count: 1)
        try await expectFailover(market, outcome: "malformed_response", detail: "HTTP")
        market.simulator.inject(.status(200, body: "<html>maintenance</html>"), pathPrefix: "/junk/", count: 1)
        try await expectFailover(market, outcome: "transport", detail: "before [DONE]", stream: true)
    }

    @Test("an upstream 401 on one offer moves on to the next offer")
    func refusedCredential() async throws {
        let market = try await market()
        defer { market.stop() }
        market.simulator.inject(.status(401, body: #"{"error": "Invalid API key"}"#), pathPrefix: "/junk/", count: 2)
        try await expectFailover(market, outcome: "auth", detail: "HTTP 401")
        try await expectFailover(market, outcome: "auth", detail: "HTTP 401", stream: true)
    }

    @Test("a redirect to another host that refuses (the credential is not forwarded) moves on, and says so")
    func refusedRedirect() async throws {
        var fixtures = SimulatorFixtures()
        fixtures.requiredToken = "a-token-only-the-other-host-knows"
        let other = ProviderSimulator(fixtures: fixtures)
        try other.start()
        defer { other.stop() }
        let market = try await market()
        defer { market.stop() }
        let location = [("Location", other.baseURL + "/v1/chat/completions")]
        market.simulator.inject(.status(307, body: "", headers: location), pathPrefix: "/junk/", count: 2)
        try await expectFailover(market, outcome: "auth", detail: "which refused the request (HTTP 401)")
        try await expectFailover(market, outcome: "auth", detail: "which refused the request (HTTP 401)", stream: true)
        // The credential never reached the other host.
        #expect(!other.requests.isEmpty)
        #expect(other.requests.allSatisfy { $0.header("Authorization") == nil })
    }

    @Test("a reply that is not HTTP moves on to the next offer instead of exiting 65")
    func notHTTP() async throws {
        let garbage = try GarbageServer()
        defer { garbage.stop() }
        let market = try await market(junkAt: { _ in garbage.baseURL + "/v1" })
        defer { market.stop() }
        try await expectFailover(market, outcome: "malformed_response", detail: "not HTTP")
        try await expectFailover(market, outcome: "malformed_response", detail: "not HTTP", stream: true)
    }
}
