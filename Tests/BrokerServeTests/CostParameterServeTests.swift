import Adapters
import Broker
import BrokerServe
import Foundation
import ProviderInterface
import Testing

/// `broker serve`: cost-deciding parameters are checked, and budgets are reserved before sending.
@Suite("broker serve: cost parameters and budget reservations")
struct CostParameterServeTests {
    static let key = "sk-client-reserve-0123456789"
    /// groq's offer alone: $0.05 in / $0.08 out per million tokens.
    static let groq = ServeHarness.llama8B + ":groq"

    func error(_ response: HTTPResponse) -> [String: Any]? {
        (ServeHarness.json(response) as? [String: Any])?["error"] as? [String: Any]
    }

    @Test("a negative, fractional or context-busting max_tokens is a 400 naming the parameter; nothing is sent")
    func invalidMaxTokens() async throws {
        let h = try await ServeHarness()
        h.simulator.clearRequests()
        for (name, value) in [
            ("max_tokens", -1 as Any), ("max_tokens", 2.5 as Any), ("max_completion_tokens", 0 as Any),
            ("max_tokens", "many" as Any), ("max_tokens", 100_000_000 as Any), ("max_tokens", Int64.max as Any),
        ] {
            for stream in [false, true] {
                let response = try await h.send(
                    "POST", "/v1/chat/completions",
                    json: ServeHarness.chat("l8", extra: [name: value, "stream": stream]))
                #expect(response.status == 400, "\(name)=\(value): \(response.text)")
                #expect(error(response)?["param"] as? String == name)
            }
        }
        #expect(!h.simulator.requests.contains { $0.path == "/v1/chat/completions" })
        await h.stop()
    }

    @Test(
        "a key's budget is reserved before sending: concurrent requests cannot overshoot it, and one that may cost more than is left is refused"
    )
    func reservations() async throws {
        // One request "hello broker" with max_tokens 1000 on groq reserves 4 × 50,000 + 1,000 × 80,000
        // = 80,200,000 pico-USD; the budget holds two and a half of them.
        let keys = try APIKey.parseList("\(Self.key);name=team;budget_usd=0.0002005")
        let h = try await ServeHarness(configure: { $0.keys = keys })
        let body = ServeHarness.chat(Self.groq, extra: ["max_tokens": 1000])
        // A request that may cost more than the whole budget is refused before anything is sent.
        h.simulator.clearRequests()
        let big = try await h.send(
            "POST", "/v1/chat/completions", json: ServeHarness.chat(Self.groq, extra: ["max_tokens": 100_000]),
            key: Self.key)
        #expect(big.status == 429)
        #expect(error(big)?["code"] as? String == "insufficient_quota")
        #expect(h.simulator.requests.isEmpty)
        // Six at once, each slow to answer: only two reservations fit.
        // Slow enough that all six are in flight together even on a busy machine.
        h.simulator.inject(.slowFirstByte(ms: 3_000), pathPrefix: "/v1/chat/completions", count: 6)
        let request = HTTPRequest(
            method: "POST", url: h.baseURL + "/v1/chat/completions",
            headers: [
                HTTPHeader("Content-Type", "application/json"), HTTPHeader("Authorization", "Bearer \(Self.key)"),
            ],
            body: Array(try JSONSerialization.data(withJSONObject: body)),
            timeouts: HTTPTimeouts(connectMs: 5_000, firstByteMs: 20_000, totalMs: 30_000))
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<6 { group.addTask { try await CurlTransport.shared.send(request).status } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 200 }.count == 2, "\(statuses)")
        #expect(statuses.filter { $0 == 429 }.count == 4, "\(statuses)")
        // Settled at their real (tiny) cost, the reservations are released: the next one fits again.
        h.simulator.clearFaults()
        let after = try await h.send("POST", "/v1/chat/completions", json: body, key: Self.key)
        #expect(after.status == 200, "\(after.text)")
        await h.stop()
    }
}
