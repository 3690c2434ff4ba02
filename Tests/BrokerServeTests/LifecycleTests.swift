import Adapters
import Foundation
import ProviderSimulator
import Testing

@Suite("broker serve: clean shutdown and background refresh")
struct LifecycleTests {
    @Test("shutdown lets a stream in flight finish, turns new requests away with 503, and stops", arguments: ServeModel.allCases)
    func gracefulShutdown(_ model: ServeModel) async throws {
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers[ServeHarness.llama8B] = "a b c d e f g h"
        // Long enough (8 × 150 ms) that a test task delayed by a busy suite still sees the draining.
        fixtures.streamChunkDelayMs = 150
        let h = try await ServeHarness(fixtures: fixtures, model: model)
        let inFlight = Task {
            try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8", extra: ["stream": true]))
        }
        // Wait until the stream is being served.
        for _ in 0..<2000 where h.server.inFlight == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(h.server.inFlight == 1)
        let shutdown = Task { await h.server.shutdown() }
        // Once draining has begun (at once, on a quiet machine), new requests are turned away.
        var refused = try await h.send("GET", "/v1/models")
        for _ in 0..<100 where refused.status != 503 {
            try await Task.sleep(for: .milliseconds(10))
            refused = try await h.send("GET", "/v1/models")
        }
        #expect(refused.status == 503)
        #expect(refused.header("Connection")?.lowercased() == "close")
        let stream = try await inFlight.value
        #expect(stream.status == 200)
        #expect(stream.text.hasSuffix("data: [DONE]\n\n"))
        #expect(stream.text.contains("\"h\""))
        #expect(await shutdown.value == 0)
        await #expect(throws: (any Error).self) { try await h.send("GET", "/health") }
        h.simulator.stop()
    }

    @Test("a background refresh runs while requests are served, and none of them fails")
    func refreshWhileServing() async throws {
        let h = try await ServeHarness(configure: { $0.refreshIntervalMs = 150; $0.marketCacheTTLMs = 0 })
        var statuses: [Int] = []
        var rounds = 0
        let started = Date()
        // Keep requests going until several background rounds have run (or 20 s, on a slow machine).
        while (rounds < 3 || statuses.count < 10), Date().timeIntervalSince(started) < 20 {
            let response = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
            statuses.append(response.status)
            let health = ServeHarness.json(try await h.send("GET", "/health")) as? [String: Any]
            rounds = health?["refresh_rounds"] as? Int ?? 0
        }
        #expect(rounds >= 3)
        #expect(statuses.count >= 10)
        #expect(statuses.allSatisfy { $0 == 200 })
        await h.stop()
    }
}
