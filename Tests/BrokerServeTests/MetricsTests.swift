import Adapters
import Broker
import BrokerServe
import Foundation
import ProviderSimulator
import Testing

@Suite("broker serve: Prometheus metrics and the Hugging Face task route")
struct MetricsTests {
    /// The value of the sample line that starts with `prefix` (name and labels).
    func sample(_ text: String, _ prefix: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix + " ") }.flatMap {
            Double($0.split(separator: " ").last ?? "")
        }
    }

    @Test("the broker binary runs on mimalloc, and its /metrics says so in broker_build_info")
    func buildInfoNamesTheAllocator() async throws {
        let (dir, environment) = try BrokerServeProcess.scratch("build-info")
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try await onOwnThread {
            try BrokerServeProcess(["--no-initial-refresh", "--refresh-every", "off"], environment: environment)
        }
        let answer = try await CurlTransport.shared.send(HTTPRequest(url: server.baseURL + "/metrics"))
        let text = String(decoding: answer.body, as: UTF8.self)
        let line = text.split(separator: "\n").first { $0.hasPrefix("broker_build_info{") }.map(String.init) ?? ""
        // "mimalloc" only when a block from malloc lies in mimalloc's heap: "libc" here means the
        // link order let glibc's malloc win.
        #expect(line.contains("allocator=\"mimalloc 2."), "\(line)")
        #expect(line.contains("version=\"") && line.hasSuffix("} 1"), "\(line)")
        let (code, _) = try await onOwnThread { server.terminate() }
        #expect(code == 0)
    }

    @Test(
        "/metrics gives what the alert rules need: store up by kind, stored offers, each provider's last successful refresh, each key's budget and spending by name"
    )
    func gaugesForAlerts() async throws {
        let secret = "sk-client-gauges-0123456789"
        let keys = try APIKey.parseList("\(secret);name=team-a;budget_usd=2,sk-client-nobudget-0123456789;name=free")
        let before = Int64(Date().timeIntervalSince1970)
        let h = try await ServeHarness(configure: { $0.keys = keys })
        let ok = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"), key: secret)
        #expect(ok.status == 200, "\(ok.text)")
        let cost = try #require(Double(ok.header("x-broker-cost-nano-usd") ?? ""))
        let text = try await h.send("GET", "/metrics", key: secret).text
        #expect(sample(text, #"broker_store_up{kind="sqlite"}"#) == 1, "\(text)")
        var stored = 0
        for entry in try RegistryLoader().load(path: h.registryPath).enabled {
            stored += try await h.store.offerCount(provider: entry.key)
        }
        #expect(stored > 0)
        #expect(sample(text, "broker_offers") == Double(stored))
        let refreshed = try #require(sample(text, #"broker_refresh_last_success_timestamp_seconds{provider="hf"}"#))
        #expect(refreshed >= Double(before) && refreshed <= Date().timeIntervalSince1970 + 1)
        #expect(sample(text, #"broker_key_budget_nano_usd{key="team-a"}"#) == 2_000_000_000)
        #expect(sample(text, #"broker_key_spent_nano_usd{key="team-a"}"#) == cost)
        // A key without a budget has no budget gauge; no secret appears.
        #expect(!text.contains(#"key="free""#))
        #expect(!text.contains("sk-client"))
        await h.stop()
    }

    @Test("/metrics counts requests by route, provider and outcome, latency, tokens, cost, refreshes and open breakers")
    func metrics() async throws {
        let h = try await ServeHarness()
        let ok = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
        let cost = try #require(Double(ok.header("x-broker-cost-nano-usd") ?? ""))
        let usage = try #require((ServeHarness.json(ok) as? [String: Any])?["usage"] as? [String: Int])
        _ = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("nobody/none"))
        // Three failures in a row on one offer open its circuit breaker.
        h.simulator.inject(.serverError(500), pathPrefix: "/v1/chat/completions", count: 3)
        for _ in 0..<3 {
            let failed = try await h.send(
                "POST", "/v1/chat/completions", json: ServeHarness.chat(ServeHarness.llama8B + ":together"))
            #expect(failed.status == 502)
        }
        let skipped = try await h.send(
            "POST", "/v1/chat/completions", json: ServeHarness.chat(ServeHarness.llama8B + ":together"))
        #expect(skipped.status == 404)
        #expect(skipped.text.contains("circuit open"))

        let response = try await h.send("GET", "/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain") == true)
        let text = response.text
        #expect(sample(text, #"broker_requests_total{route="chat",provider="hf",served_by="groq",outcome="ok"}"#) == 1)
        #expect(
            sample(text, #"broker_requests_total{route="chat",provider="-",served_by="-",outcome="model_not_found"}"#)
                == 1)
        #expect(
            sample(
                text,
                #"broker_requests_total{route="chat",provider="hf",served_by="together",outcome="upstream_failed"}"#)
                == 3)
        #expect(
            sample(
                text, #"broker_provider_attempts_total{provider="hf",served_by="together",outcome="provider_error"}"#)
                == 3)
        #expect(sample(text, "broker_added_latency_seconds_count") == 1)
        #expect(sample(text, #"broker_request_duration_seconds_bucket{route="chat",le="+Inf"}"#) == 6)
        #expect(
            sample(text, #"broker_tokens_total{provider="hf",direction="output"}"#)
                == Double(usage["completion_tokens"] ?? -1))
        #expect(sample(text, #"broker_cost_nano_usd_total{provider="hf"}"#) == cost)
        #expect(sample(text, #"broker_refresh_total{provider="hf",status="ok"}"#) == 1)
        #expect(sample(text, "broker_circuit_breakers_open") == 1)
        #expect(text.contains("# TYPE broker_added_latency_seconds histogram"))
        await h.stop()
    }

    @Test("POST /hf-inference/models/{org}/{name} runs a classic task through routing, in hf-inference's shapes")
    func hfTaskRoute() async throws {
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers["facebook/bart-large-cnn"] = "short"
        let h = try await ServeHarness(fixtures: fixtures)
        let summary = try await h.send(
            "POST", "/hf-inference/models/facebook/bart-large-cnn", json: ["inputs": "a long text"])
        #expect(summary.status == 200, "\(summary.text)")
        #expect((ServeHarness.json(summary) as? [[String: String]])?.first?["summary_text"] == "short")
        #expect(summary.header("x-broker-served-by") == "hf-inference")
        let embedding = try await h.send(
            "POST", "/hf-inference/models/intfloat/multilingual-e5-large/pipeline/feature-extraction",
            json: ["inputs": "hello"])
        #expect(embedding.status == 200, "\(embedding.text)")
        #expect(((ServeHarness.json(embedding) as? [Any])?.count ?? 0) > 0)
        let missing = try await h.send("POST", "/hf-inference/models/nobody/none", json: ["inputs": "x"])
        #expect(missing.status == 404)
        let noInputs = try await h.send("POST", "/hf-inference/models/facebook/bart-large-cnn", json: ["text": "x"])
        #expect(noInputs.status == 400)
        await h.stop()
    }
}
