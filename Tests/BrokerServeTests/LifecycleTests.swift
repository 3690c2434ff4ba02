import Adapters
import Foundation
import ProviderSimulator
import Testing

@Suite("broker serve: clean shutdown and background refresh")
struct LifecycleTests {
    @Test("shutdown lets a stream in flight finish, turns new requests away with 503, and stops")
    func gracefulShutdown() async throws {
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers[ServeHarness.llama8B] = "a b c d e f g h"
        fixtures.streamChunkDelayMs = 60
        let h = try await ServeHarness(fixtures: fixtures)
        let inFlight = Task {
            try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8", extra: ["stream": true]))
        }
        // Wait until the stream is being served.
        for _ in 0..<200 where h.server.inFlight == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(h.server.inFlight == 1)
        let shutdown = Task { await h.server.shutdown() }
        try await Task.sleep(for: .milliseconds(50))
        let refused = try await h.send("GET", "/v1/models")
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
        let started = Date()
        while Date().timeIntervalSince(started) < 1.0 {
            let response = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
            statuses.append(response.status)
        }
        let health = try #require(ServeHarness.json(try await h.send("GET", "/health")) as? [String: Any])
        #expect((health["refresh_rounds"] as? Int ?? 0) >= 3)
        #expect(statuses.count > 10)
        #expect(statuses.allSatisfy { $0 == 200 })
        let catalogCalls = h.simulator.requests.filter { $0.path == "/v1/models" }.count
        #expect(catalogCalls >= 4)  // the harness's refresh plus the background rounds
        await h.stop()
    }
}
