import Adapters
import Foundation
import ProviderSimulator
import Testing

@Suite("broker serve: errors in OpenAI's shape with the right status")
struct ErrorMappingTests {
    func error(_ response: HTTPResponse) -> [String: Any]? {
        (ServeHarness.json(response) as? [String: Any])?["error"] as? [String: Any]
    }

    @Test("bad requests are 400 naming the field; unknown models and routes 404; wrong methods 405")
    func clientErrors() async throws {
        let h = try await ServeHarness()
        let notJSON = try await h.send("POST", "/v1/chat/completions", body: Array("{not json".utf8))
        #expect(notJSON.status == 400)
        #expect(error(notJSON)?["type"] as? String == "invalid_request_error")
        let noMessages = try await h.send("POST", "/v1/chat/completions", json: ["model": "l8"])
        #expect(noMessages.status == 400)
        #expect(error(noMessages)?["param"] as? String == "messages")
        let badRegion = try await h.send(
            "POST", "/v1/chat/completions", json: ServeHarness.chat("l8", extra: ["broker": ["region": "mars"]]))
        #expect(badRegion.status == 400)
        #expect(error(badRegion)?["param"] as? String == "broker.region")
        let unknown = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("nobody/no-such-model"))
        #expect(unknown.status == 404)
        #expect(error(unknown)?["code"] as? String == "model_not_found")
        let noFit = try await h.send(
            "POST", "/v1/chat/completions", json: ServeHarness.chat("l8", extra: ["broker": ["region": "ch"]]))
        #expect(noFit.status == 404)
        #expect(error(noFit)?["code"] as? String == "no_offer_fits")
        #expect((error(noFit)?["message"] as? String)?.contains("region") == true)
        let route = try await h.send("GET", "/v1/nothing-here")
        #expect(route.status == 404)
        let method = try await h.send("GET", "/v1/chat/completions")
        #expect(method.status == 405)
        await h.stop()
    }

    @Test("every candidate rate limited is 429 with the provider's Retry-After passed through")
    func upstreamRateLimit() async throws {
        let h = try await ServeHarness()
        h.simulator.inject(.rateLimited(retryAfterSeconds: 30), pathPrefix: "/v1/chat/completions", count: 10)
        let response = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
        #expect(response.status == 429)
        #expect(response.header("Retry-After") == "30")
        #expect(error(response)?["type"] as? String == "rate_limit_error")
        #expect((error(response)?["attempts"] as? [Any])?.count == 4)
        await h.stop()
    }

    @Test("every candidate failing is 502, or 503 when they were unavailable; one failure fails over")
    func upstreamFailures() async throws {
        let h = try await ServeHarness()
        h.simulator.inject(.serverError(502), pathPrefix: "/v1/chat/completions", count: 1)
        let failover = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
        #expect(failover.status == 200)
        #expect(failover.header("x-broker-attempts") == "2")
        #expect(failover.header("x-broker-served-by") == "nscale")
        h.simulator.inject(.serverError(500), pathPrefix: "/v1/chat/completions", count: 10)
        let bad = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat(ServeHarness.llama8B + ":together"))
        #expect(bad.status == 502)
        #expect(error(bad)?["code"] as? String == "upstream_failed")
        h.simulator.clearFaults()
        h.simulator.inject(.serverError(503), pathPrefix: "/v1/chat/completions", count: 10)
        let unavailable = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat(ServeHarness.llama8B + ":scaleway"))
        #expect(unavailable.status == 503)
        #expect(!unavailable.text.contains(ServeHarness.hfToken))
        await h.stop()
    }

    @Test("a streamed request that fails before any output gets an error status, not a broken stream")
    func streamFailsBeforeOutput() async throws {
        let h = try await ServeHarness()
        h.simulator.inject(.serverError(500), pathPrefix: "/v1/chat/completions", count: 10)
        let response = try await h.send(
            "POST", "/v1/chat/completions", json: ServeHarness.chat("l8", extra: ["stream": true]))
        #expect(response.status == 502)
        #expect(error(response)?["code"] as? String == "upstream_failed")
        await h.stop()
    }
}
