import Broker
import Foundation
import PostgresClient
import ProviderSimulator
import Testing

/// `broker serve` on a PostgreSQL store (`--store postgresql://…`): instances that share it.
@Suite(
    "broker serve on a shared PostgreSQL store",
    .enabled(
        if: ProcessInfo.processInfo.environment["BROKER_TEST_POSTGRES"] != nil
            || ProcessInfo.processInfo.environment["CI"] == "true", "BROKER_TEST_POSTGRES is unset"))
struct PostgresServeTests {

    @Test(
        "two instances on one store: the one that refreshed and the one that did not both route, and each reports both's ledger"
    )
    func twoInstances() async throws {
        let schema = try PostgresTestSchema(prefix: "serve_")
        let first = try await ServeHarness(storeLocation: schema.uri)
        let second = try await ServeHarness(refresh: false, storeLocation: schema.uri)
        for h in [second, first] {
            let response = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
            #expect(response.status == 200, "\(response.text)")
        }
        // Each instance commits its own attempts (at once when idle); either reads both's.
        for h in [first, second] {
            var requests: Int?
            var text = ""
            for _ in 0..<50 {
                let usage = try await h.send("GET", "/v1/usage?by=provider")
                text = usage.text
                requests =
                    (ServeHarness.json(usage) as? [[String: Any]])?.first { $0["provider"] as? String == "hf" }?[
                        "requests"] as? Int
                if requests == 2 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let health = try await h.send("GET", "/health").text
            let metrics = try await h.send("GET", "/metrics").text.split(separator: "\n").filter {
                $0.contains("ledger")
            }
            #expect(requests == 2, "\(text) \(health) \(metrics)")
        }
        let models = try await second.send("GET", "/v1/models")
        #expect(models.status == 200 && models.text.contains(ServeHarness.llama8B), "\(models.text)")
        await first.stop()
        await second.stop()
    }

    @Test(
        "a lost store connection is a temporary 503 with Retry-After naming the store without its password; the next request reconnects"
    )
    func lostConnection() async throws {
        let schema = try PostgresTestSchema(prefix: "serve_")
        let h = try await ServeHarness(storeLocation: schema.uri)
        #expect(try await h.send("GET", "/v1/usage").status == 200)
        let store = try #require(h.store as? PostgresMarketStore)
        let pid = await store.backendPID
        try PostgresConnection(uri: schema.base).run("SELECT pg_terminate_backend($1::integer)", [.integer(Int64(pid))])
        let lost = try await h.send("GET", "/v1/usage")
        #expect(lost.status == 503, "\(lost.text)")
        #expect(lost.header("Retry-After") != nil)
        #expect(lost.text.contains(store.path) && lost.text.contains("store_unavailable"), "\(lost.text)")
        let password = try #require(
            try PostgresURI(schema.base).description.isEmpty
                ? nil : schema.base.split(separator: "@").first?.split(separator: ":").last.map(String.init))
        #expect(!lost.text.contains(password))
        #expect(try await h.send("GET", "/v1/usage").status == 200)
        await h.stop()
    }

    @Test(
        "while the PostgreSQL store cannot be read, chat answers from the views the instance holds and /health answers 200 degraded with store_kind postgresql and the error, without the password"
    )
    func storeOutageIsDegraded() async throws {
        let schema = try PostgresTestSchema(prefix: "serve_")
        let h = try await ServeHarness(configure: { $0.marketCacheTTLMs = 200 }, storeLocation: schema.uri)
        #expect(try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8")).status == 200)
        // Stands for a database that no longer answers the broker's reads (not temporary).
        let admin = try PostgresConnection(uri: schema.base)
        try admin.execute("ALTER TABLE \(schema.name).offers RENAME TO offers_lost")
        try admin.execute("ALTER TABLE \(schema.name).refresh_runs RENAME TO refresh_runs_lost")
        try await Task.sleep(for: .milliseconds(400))
        let chat = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
        #expect(chat.status == 200, "\(chat.text)")
        let health = try await h.expectStoreUnreachable(kind: "postgresql", store: h.store.path)
        let password = try #require(
            schema.base.split(separator: "@").first?.split(separator: ":").last.map(String.init))
        #expect(!health.contains(password))
        // Refresh rounds and failed attempts set the views aside; they still route while the
        // store cannot be read.
        await h.server.refreshNow()
        h.simulator.inject(.serverError(500), pathPrefix: "/v1/chat/completions", count: 1)
        for _ in 0..<3 {
            let chat = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
            #expect(chat.status == 200, "\(chat.text)")
        }
        #expect(try await h.send("GET", "/v1/models").status == 503)
        await h.stop()
    }

    @Test(
        "once the store is away, a read that hangs (a table locked) holds no request: the views set aside by a failed attempt answer while one renewal waits, and /health answers degraded within its 2 s"
    )
    func hangingStoreHoldsNoRequest() async throws {
        let schema = try PostgresTestSchema(prefix: "serve_")
        let h = try await ServeHarness(configure: { $0.marketCacheTTLMs = 200 }, storeLocation: schema.uri)
        #expect(try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8")).status == 200)
        let admin = try PostgresConnection(uri: schema.base)
        try admin.execute("ALTER TABLE \(schema.name).offers RENAME TO offers_lost")
        try await Task.sleep(for: .milliseconds(400))
        // Its view expired: answered while the renewal fails in the background (the store is away).
        #expect(try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8")).status == 200)
        try await Task.sleep(for: .milliseconds(300))
        // The table is back, but locked by a transaction that does not end: reads of it wait.
        try admin.execute("ALTER TABLE \(schema.name).offers_lost RENAME TO offers")
        try admin.execute("BEGIN")
        try admin.execute("LOCK TABLE \(schema.name).offers IN ACCESS EXCLUSIVE MODE")
        let started = ContinuousClock.now
        h.simulator.inject(.serverError(500), pathPrefix: "/v1/chat/completions", count: 1)
        let failedOver = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
        #expect(failedOver.status == 200 && failedOver.header("x-broker-attempts") == "2", "\(failedOver.text)")
        // The views are set aside; the next requests are answered from them, not held by the read.
        for _ in 0..<3 {
            let chat = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
            #expect(chat.status == 200, "\(chat.text)")
        }
        let took = ContinuousClock.now - started
        #expect(took < .seconds(5), "four requests took \(took) while a store read waited on the lock")
        try admin.execute("ROLLBACK")
        // /health names a store that does not answer, rather than waiting for it.
        try admin.execute("BEGIN")
        try admin.execute("LOCK TABLE \(schema.name).refresh_runs IN ACCESS EXCLUSIVE MODE")
        let asked = ContinuousClock.now
        let health = try await h.send("GET", "/health")
        let waited = ContinuousClock.now - asked
        try admin.execute("ROLLBACK")
        #expect(health.status == 200 && waited < .seconds(6), "\(waited): \(health.text)")
        let json = try #require(ServeHarness.json(health) as? [String: Any])
        #expect(json["status"] as? String == "degraded" && json["store"] as? String == "unreachable")
        #expect((json["store_error"] as? String)?.contains("no answer within 2000 ms") == true, "\(health.text)")
        // The renewal that waited goes through; routing reads the store again.
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8")).status == 200)
        #expect(try await h.send("GET", "/v1/models").status == 200)
        await h.stop()
    }

    @Test(
        "an offer whose circuit opened on one instance's failures is skipped by the other instance, whose own provider would answer"
    )
    func sharedCircuitBreaker() async throws {
        let schema = try PostgresTestSchema(prefix: "serve_")
        let first = try await ServeHarness(storeLocation: schema.uri)
        let second = try await ServeHarness(refresh: false, storeLocation: schema.uri)
        let together = ServeHarness.llama8B + ":together"
        // Three failures in a row on the first instance open the offer's circuit: in the shared ledger.
        first.simulator.inject(.serverError(500), pathPrefix: "/v1/chat/completions", count: 3)
        for _ in 0..<3 {
            let failed = try await first.send("POST", "/v1/chat/completions", json: ServeHarness.chat(together))
            #expect(failed.status == 502, "\(failed.text)")
        }
        // The second instance (its simulator would answer) reads the breaker with the offers.
        second.simulator.clearRequests()
        let skipped = try await second.send("POST", "/v1/chat/completions", json: ServeHarness.chat(together))
        #expect(skipped.status == 404 && skipped.text.contains("circuit open"), "\(skipped.text)")
        #expect(!second.simulator.requests.contains { $0.path.hasPrefix("/v1/chat/completions") })
        // The model's other offers still route there.
        let routed = try await second.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
        #expect(routed.status == 200 && routed.header("x-broker-served-by") != "together", "\(routed.text)")
        let metrics = try await second.send("GET", "/metrics")
        #expect(metrics.text.contains("broker_circuit_breakers_open 1"), "\(metrics.text)")
        await first.stop()
        await second.stop()
    }
}
