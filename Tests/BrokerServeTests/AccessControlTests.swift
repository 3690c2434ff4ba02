import Adapters
import Broker
import BrokerServe
import Foundation
import ProviderInterface
import Testing

@Suite("broker serve: client keys, budgets and rate limits")
struct AccessControlTests {
    static let keyA = "sk-client-alpha-0123456789"
    static let keyB = "sk-client-bravo-0123456789"

    func code(_ response: HTTPResponse) -> String? {
        ((ServeHarness.json(response) as? [String: Any])?["error"] as? [String: Any])?["code"] as? String
    }

    @Test("with keys set, API calls need one: missing and wrong keys are 401; the page and health stay open")
    func keysRequired() async throws {
        let keys = try APIKey.parseList("\(Self.keyA)\n# a comment\n\(Self.keyB);name=ci")
        let h = try await ServeHarness(configure: { $0.keys = keys })
        let missing = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
        #expect(missing.status == 401)
        #expect(code(missing) == "invalid_api_key")
        let wrong = try await h.send("GET", "/v1/models", key: "sk-client-alpha-0123456780")
        #expect(wrong.status == 401)
        let offers = try await h.send("GET", "/v1/marketplace/offers", key: "")
        #expect(offers.status == 401)
        let ok = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"), key: Self.keyB)
        #expect(ok.status == 200, "\(ok.text)")
        #expect(try await h.send("GET", "/v1/models", key: Self.keyA).status == 200)
        #expect(try await h.send("GET", "/health").status == 200)
        #expect(try await h.send("GET", "/").status == 200)
        // The client's key never reaches a provider.
        #expect(!h.simulator.requests.contains { ($0.header("Authorization") ?? "").contains("sk-client") })
        await h.stop()
    }

    /// groq's Llama 8B offer alone ($0.05 in / $0.08 out per million tokens) with a short answer
    /// cap: a request whose reservation (its maximum expected cost) is known.
    static func small(_ prompt: String) -> [String: Any] {
        ServeHarness.chat(ServeHarness.llama8B + ":groq", prompt, extra: ["max_tokens": 3])
    }

    @Test("a key over its budget gets 429 insufficient_quota; other keys go on")
    func budget() async throws {
        // One micro-dollar: the first request (7 × 50,000 + 3 × 80,000 pico-USD reserved) fits;
        // then 256 tokens at $0.08 per million may cost more than is left.
        let keys = try APIKey.parseList("\(Self.keyA);budget_usd=0.000001,\(Self.keyB)")
        let h = try await ServeHarness(configure: { $0.keys = keys })
        let first = try await h.send(
            "POST", "/v1/chat/completions", json: Self.small("a longer prompt to cost more"), key: Self.keyA)
        #expect(first.status == 200, "\(first.text)")
        let cost = Int(first.header("x-broker-cost-nano-usd") ?? "") ?? 0
        #expect(cost >= 1)
        let second = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"), key: Self.keyA)
        #expect(second.status == 429)
        #expect(code(second) == "insufficient_quota")
        let other = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"), key: Self.keyB)
        #expect(other.status == 200)
        await h.stop()
    }

    @Test(
        "a key with a budget routes only to offers whose cost counts against it: an unknown price is 429 insufficient_quota naming why; keys without budgets may use it"
    )
    func budgetSkipsUnknownPrices() async throws {
        let keys = try APIKey.parseList("\(Self.keyA);budget_usd=1,\(Self.keyB)")
        let h = try await ServeHarness(configure: { $0.keys = keys })
        // Scaleway's Llama 70B has no published price: its cost would never be charged.
        let unpriced = ServeHarness.chat(
            "meta-llama/Llama-3.3-70B-Instruct:scaleway", extra: ["broker": ["allow_unpriced": true], "max_tokens": 3])
        let budgeted = try await h.send("POST", "/v1/chat/completions", json: unpriced, key: Self.keyA)
        #expect(budgeted.status == 429, "\(budgeted.text)")
        #expect(code(budgeted) == "insufficient_quota")
        let message =
            ((ServeHarness.json(budgeted) as? [String: Any])?["error"] as? [String: Any])?["message"] as? String ?? ""
        #expect(
            message.contains("scaleway") && message.contains("price unknown") && message.contains("budget of key"),
            "\(message)")
        #expect(!h.simulator.requests.contains { $0.path.contains("chat") }, "nothing was sent upstream")
        let free = try await h.send("POST", "/v1/chat/completions", json: unpriced, key: Self.keyB)
        #expect(free.status == 200, "\(free.text)")
        // Routing on the fastest offer with a budget skips the unknown price instead of refusing.
        let fastest = try await h.send(
            "POST", "/v1/chat/completions",
            json: ServeHarness.chat(
                "meta-llama/Llama-3.3-70B-Instruct", extra: ["broker": ["policy": "fastest"], "max_tokens": 3]),
            key: Self.keyA)
        #expect(fastest.status == 200, "\(fastest.text)")
        #expect(fastest.header("x-broker-served-by") != "scaleway")
        #expect(fastest.header("x-broker-cost-nano-usd") != "unknown")
        // The task API's offers are billed per second of compute, which is never charged.
        let task = try await h.send(
            "POST", "/hf-inference/models/facebook/bart-large-cnn", json: ["inputs": "a long text"], key: Self.keyA)
        #expect(task.status == 429, "\(task.text)")
        #expect(code(task) == "insufficient_quota")
        let unbudgetedTask = try await h.send(
            "POST", "/hf-inference/models/facebook/bart-large-cnn", json: ["inputs": "a long text"], key: Self.keyB)
        #expect(unbudgetedTask.status == 200, "\(unbudgetedTask.text)")
        await h.stop()
    }

    @Test("a key's spending is kept in the store by its name: after a restart its budget goes on where it was")
    func budgetAcrossRestart() async throws {
        // A budget of two requests and a half: the first server spends one request's cost. (Each
        // reserves 4 × 50,000 + 3 × 80,000 = 440,000 pico-USD and costs 3 × 50,000 + 3 × 80,000.)
        let probe = try await ServeHarness()
        let price = try await probe.send("POST", "/v1/chat/completions", json: Self.small("the same prompt"))
        let costNano = try #require(Int(price.header("x-broker-cost-nano-usd") ?? ""))
        await probe.stop()
        #expect(costNano >= 2)
        let budgetNano = String(costNano * 5 / 2)
        let budget = "0." + String(repeating: "0", count: max(0, 9 - budgetNano.count)) + budgetNano
        let keys = try APIKey.parseList("\(Self.keyA);name=team;budget_usd=\(budget),\(Self.keyB);name=other")
        #expect(keys[0].budget != nil)

        let first = try await ServeHarness(configure: { $0.keys = keys })
        #expect(
            try await first.send(
                "POST", "/v1/chat/completions", json: Self.small("the same prompt"), key: Self.keyA
            ).status == 200)
        await first.stop(keepFiles: true)
        // Kept by name, exactly what the ledger holds for that request, and nothing for the idle key.
        let store = try MarketplaceStore(path: first.storePath)
        let spent = try await store.keySpending()
        let ledger = try await store.usage(sinceMs: 0, by: .provider).reduce(Int64(0)) { $0 + ($1.costPicoUSD ?? 0) }
        #expect(spent["team"] == ledger && ledger > 0)
        #expect(spent["other"] == nil)

        // The second server starts from what "team" spent: one more request fits, then none.
        let second = try await ServeHarness(configure: { $0.keys = keys }, directory: first.dir)
        #expect(
            try await second.send(
                "POST", "/v1/chat/completions", json: Self.small("the same prompt"), key: Self.keyA
            ).status == 200)
        let over = try await second.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"), key: Self.keyA)
        #expect(over.status == 429)
        #expect(code(over) == "insufficient_quota")
        #expect(
            try await second.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"), key: Self.keyB).status
                == 200)
        await second.stop()
    }

    @Test("a key over its request rate gets 429 with Retry-After")
    func rate() async throws {
        let keys = try APIKey.parseList("\(Self.keyA);rpm=2")
        let h = try await ServeHarness(configure: { $0.keys = keys })
        #expect(try await h.send("GET", "/v1/models", key: Self.keyA).status == 200)
        #expect(try await h.send("GET", "/v1/models", key: Self.keyA).status == 200)
        let third = try await h.send("GET", "/v1/models", key: Self.keyA)
        #expect(third.status == 429)
        #expect(code(third) == "rate_limit_exceeded")
        let wait = try #require(Int(third.header("Retry-After") ?? ""))
        #expect((1...30).contains(wait))
        await h.stop()
    }

    @Test("without keys the server refuses to bind a non-loopback address; key lists are validated")
    func bindRefusal() async throws {
        let registry = Broker.Registry(path: "", entries: [])
        let dir = NSTemporaryDirectory() + "broker-serve-bind-\(UUID().uuidString)"
        let store = try MarketplaceStore(path: dir + "/market.sqlite3")
        let service = BrokerService(
            configuration: ServeConfiguration(host: "0.0.0.0", port: 0, refreshIntervalMs: nil, refreshAtStart: false),
            registry: registry, store: store, environment: [:],
            factory: { entry throws(ProviderError) in throw ProviderError(.unsupported, message: "none") })
        let server = BrokerServer(service: service)
        await #expect(throws: ServeError.self) { try await server.start() }
        #expect(throws: APIKeyListError.self) { try APIKey.parseList("short") }
        #expect(throws: APIKeyListError.self) { try APIKey.parseList("\(Self.keyA);budget_usd=lots") }
        let parsed = try APIKey.parseList("\(Self.keyA);name=team;budget_usd=2.5;rpm=60")
        #expect(
            parsed == [
                APIKey(secret: Self.keyA, name: "team", budget: PicoUSD(2_500_000_000_000), requestsPerMinute: 60)
            ])
        try? FileManager.default.removeItem(atPath: dir)
    }
}
