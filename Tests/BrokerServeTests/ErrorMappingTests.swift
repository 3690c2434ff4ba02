import Adapters
import Broker
@testable import BrokerServe
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
        let bad = try await h.send(
            "POST", "/v1/chat/completions", json: ServeHarness.chat(ServeHarness.llama8B + ":together"))
        #expect(bad.status == 502)
        #expect(error(bad)?["code"] as? String == "upstream_failed")
        h.simulator.clearFaults()
        h.simulator.inject(.serverError(503), pathPrefix: "/v1/chat/completions", count: 10)
        let unavailable = try await h.send(
            "POST", "/v1/chat/completions", json: ServeHarness.chat(ServeHarness.llama8B + ":scaleway"))
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

    @Test("a store whose offers cannot be read is 503 store_unavailable naming the store, not 404 model_not_found")
    func unreadableStore() async throws {
        // No cached views: every request reads the store.
        let h = try await ServeHarness(configure: { $0.marketCacheTTLMs = 0 })
        #expect(try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8")).status == 200)
        let other = try SQLiteConnection(path: h.storePath, busyTimeoutMs: 1_000)
        // Stands for a damaged store: the offers can no longer be read. Not temporary.
        try other.execute("ALTER TABLE offers RENAME TO offers_lost")
        for path in ["/v1/chat/completions", "/hf-inference/models/\(ServeHarness.llama8B)"] {
            let body: [String: Any] = path.hasPrefix("/hf") ? ["inputs": "hello"] : ServeHarness.chat("l8")
            let damaged = try await h.send("POST", path, json: body)
            #expect(damaged.status == 503, "\(path): \(damaged.text)")
            #expect(error(damaged)?["code"] as? String == "store_unavailable")
            #expect(
                (error(damaged)?["message"] as? String)?.contains("cannot read the store \(h.storePath)") == true,
                "\(damaged.text)")
            #expect(damaged.header("Retry-After") == nil)
            #expect(!damaged.text.contains(ServeHarness.acmeKey) && !damaged.text.contains(ServeHarness.hfToken))
        }
        await h.stop()
    }

    @Test(
        "/v1/models, the marketplace offers and /v1/usage over a store they cannot read are 503 store_unavailable naming the store, not 500 or an empty list; /health says why, with 200 degraded"
    )
    func unreadableStoreOnReadRoutes() async throws {
        let h = try await ServeHarness(configure: { $0.marketCacheTTLMs = 0 })
        #expect(try await h.send("GET", "/v1/models").status == 200)
        let other = try SQLiteConnection(path: h.storePath, busyTimeoutMs: 1_000)
        // The ledger lost: usage and the measured figures on the offers cannot be read.
        try other.execute("ALTER TABLE usage RENAME TO usage_lost")
        for path in ["/v1/usage", "/v1/usage?savings=1", "/v1/marketplace/offers"] {
            let damaged = try await h.send("GET", path)
            #expect(damaged.status == 503, "\(path): \(damaged.text)")
            #expect(error(damaged)?["code"] as? String == "store_unavailable", "\(path)")
            #expect(
                (error(damaged)?["message"] as? String)?.contains("cannot read the store \(h.storePath)") == true,
                "\(damaged.text)")
        }
        try other.execute("ALTER TABLE offers RENAME TO offers_lost")
        try other.execute("ALTER TABLE refresh_runs RENAME TO refresh_runs_lost")
        let health = try await h.send("GET", "/health")
        #expect(health.status == 200, "a load balancer must not take the instance out: \(health.text)")
        let healthJSON = try #require(ServeHarness.json(health) as? [String: Any])
        #expect(healthJSON["status"] as? String == "degraded")
        #expect(healthJSON["store"] as? String == "unreachable")
        #expect(healthJSON["store_kind"] as? String == "sqlite")
        #expect(
            (healthJSON["store_error"] as? String)?.contains("cannot read the store \(h.storePath)") == true,
            "\(health.text)")
        let models = try await h.send("GET", "/v1/models")
        #expect(models.status == 503, "\(models.text)")
        #expect(error(models)?["code"] as? String == "store_unavailable")
        #expect(
            (error(models)?["message"] as? String)?.contains("cannot read the store \(h.storePath)") == true,
            "\(models.text)")
        await h.stop()
    }

    @Test(
        "while the store cannot be read, chat still answers from the market views the instance holds, /health answers 200 degraded with the store's kind and error, and /metrics says broker_store_up 0"
    )
    func storeOutageKeepsRouting() async throws {
        let h = try await ServeHarness(configure: { $0.marketCacheTTLMs = 200 })
        #expect(try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8")).status == 200)
        let together = ServeHarness.llama8B + ":together"
        #expect(try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat(together)).status == 200)
        let healthy = try await h.send("GET", "/health")
        #expect(healthy.status == 200)
        #expect((ServeHarness.json(healthy) as? [String: Any])?["status"] as? String == "ok", "\(healthy.text)")
        #expect(try await h.send("GET", "/metrics").text.contains("broker_store_up{kind=\"sqlite\"} 1"))
        let other = try SQLiteConnection(path: h.storePath, busyTimeoutMs: 1_000)
        try other.execute("ALTER TABLE offers RENAME TO offers_lost")
        try other.execute("ALTER TABLE refresh_runs RENAME TO refresh_runs_lost")
        // Past the views' time to live: each request renews in the background, which fails, and
        // goes on with the last good view.
        try await Task.sleep(for: .milliseconds(400))
        for _ in 0..<3 {
            let chat = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
            #expect(chat.status == 200, "\(chat.text)")
        }
        _ = try await h.expectStoreUnreachable(kind: "sqlite", store: h.storePath)
        // A refresh round (failed: the store is away) and a request whose first attempt failed
        // each set the views aside; the store cannot be read, so the last good view still routes.
        await h.server.refreshNow()
        h.simulator.inject(.serverError(500), pathPrefix: "/v1/chat/completions", count: 1)
        let failedOver = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
        #expect(failedOver.status == 200 && failedOver.header("x-broker-attempts") == "2", "\(failedOver.text)")
        for _ in 0..<2 {
            let chat = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
            #expect(chat.status == 200, "\(chat.text)")
        }
        // Failures during the outage cannot reach the ledger (queued), yet three in a row on one
        // offer open its circuit here: the next request skips it, though it would answer now.
        h.simulator.inject(.serverError(500), pathPrefix: "/v1/chat/completions", count: 3)
        for _ in 0..<3 {
            let failed = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat(together))
            #expect(failed.status == 502, "\(failed.text)")
        }
        let skipped = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat(together))
        #expect(skipped.status == 404 && skipped.text.contains("circuit open"), "\(skipped.text)")
        // A model no view holds cannot be routed without the store: 503, not an empty answer.
        let unseen = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("acme/never-asked-for"))
        #expect(unseen.status == 503, "\(unseen.text)")
        await h.stop()
    }

    @Test(
        "a store held by another process past the busy timeout is a temporary 503 with Retry-After; other store failures have none"
    )
    func lockedStoreIsTemporary() {
        // SQLITE_BUSY, as a read that waited out the busy timeout gets it (a WAL store's
        // readers are not blocked by a writer, so an end-to-end lock cannot stand for it).
        let busy = APIError.storeUnavailable(
            SQLiteError(extendedCode: 5, message: "database is locked"), path: "/data/market.sqlite3")
        #expect(busy.status == 503 && busy.code == "store_unavailable")
        #expect(busy.response.headers.contains { $0.name == "Retry-After" && $0.value == "1" })
        #expect(busy.message.contains("the store /data/market.sqlite3 is locked by another process"))
        let damaged = APIError.storeUnavailable(
            SQLiteError(extendedCode: 1, message: "no such table: offers"), path: "/data/market.sqlite3")
        #expect(damaged.status == 503 && damaged.retryAfterSeconds == nil)
        #expect(!damaged.response.headers.contains { $0.name == "Retry-After" })
        #expect(damaged.message.contains("cannot read the store /data/market.sqlite3"))
    }
}
