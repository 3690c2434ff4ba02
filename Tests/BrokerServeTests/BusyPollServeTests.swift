import Adapters
import BrokerServe
import Foundation
import ProviderInterface
import ProviderSimulator
import Testing

/// Busy-polling (`--busy-poll`) changes how a connection thread waits, never what it answers.
@Suite("broker serve with busy-polling")
struct BusyPollServeTests {
    @Test("with busy-polling on, a kept-alive client's plain and streamed chats are all answered in order")
    func answersWithBusyPolling() async throws {
        let h = try await ServeHarness(configure: { $0.busyPollMicroseconds = 300 })
        for i in 0..<20 {
            let response = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8", "turn \(i)"))
            #expect(response.status == 200)
            #expect(response.text.contains("turn \(i)"), "\(response.text)")
        }
        let streamed = try await h.send(
            "POST", "/v1/chat/completions", json: ServeHarness.chat("l8", "streamed turn", extra: ["stream": true]))
        #expect(streamed.status == 200)
        #expect(streamed.text.contains("data: [DONE]"))
        await h.stop()
    }

    @Test("broker serve --busy-poll takes microseconds or 'off', and names itself when the value is wrong (64)")
    func cliFlag() async throws {
        try await BrokerServeProcess.expectOption("--busy-poll", wrong: ["fast", "20000"], good: ["off", "50us", "0"])
    }
}
