import Adapters
import Foundation
import ProviderInterface
import ProviderSimulator
import Testing

/// `broker serve` on event loops: a loop never waits for a provider, and `--event-loops` picks
/// the model.
@Suite("broker serve on event loops")
struct EventLoopServeTests {
    @Test("on a single loop, a provider slow to answer holds back no other client")
    func slowProviderHoldsNoOneBack() async throws {
        let h = try await ServeHarness(configure: { $0.threadModel = .eventLoops(threads: 1) })
        h.simulator.inject(.slowFirstByte(ms: 1_500), pathPrefix: "/v1/chat/completions", count: 1)
        let started = Date()
        let slow = Task { try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8", "slow one")) }
        // Let the slow request reach the provider first.
        for _ in 0..<400 where h.server.inFlight == 0 { try await Task.sleep(for: .milliseconds(5)) }
        var fastTimes: [Double] = []
        for i in 0..<5 {
            let fast = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8", "fast \(i)"))
            #expect(fast.status == 200)
            #expect(fast.text.contains("fast \(i)"))
            fastTimes.append(Date().timeIntervalSince(started))
        }
        let slowAnswer = try await slow.value
        let slowTime = Date().timeIntervalSince(started)
        #expect(slowAnswer.status == 200)
        #expect(slowAnswer.text.contains("slow one"))
        #expect(fastTimes.allSatisfy { $0 < slowTime }, "fast answers at \(fastTimes) s, the slow one at \(slowTime) s")
        #expect(slowTime >= 1.4)
        await h.stop()
    }

    @Test("broker serve --event-loops takes a count or 'off', and names itself when the value is wrong (64)")
    func cliFlag() async throws {
        try await BrokerServeProcess.expectOption(
            "--event-loops", wrong: ["0", "many", "65"], good: ["off", "1", "3"], paths: ["/v1/models"])
    }
}
