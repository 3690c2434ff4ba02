import Adapters
import Foundation
import ProviderSimulator
import Testing

/// A served chat request makes its provider call on its own connection thread or event loop
/// (not on the transport's loop thread): the provider's limits must hold there exactly as elsewhere.
@Suite("broker serve: provider timeouts and size limits on the serving path")
struct UpstreamLimitsTests {
    /// The test registry with the `hf` provider's first-byte timeout set to `ms`.
    static func firstByteTimeout(_ ms: Int) -> (String) -> String {
        { text in
            text.replacingOccurrences(
                of: #""auth_env": "TEST_HF_TOKEN", "timeout": "10s","#,
                with: #""auth_env": "TEST_HF_TOKEN", "timeout": "10s", "first_byte_timeout": "\#(ms)ms","#)
        }
    }

    /// A server whose `hf` entry has a first-byte timeout of `ms`, on a store refreshed first
    /// with the entry's default timeouts: on a busy machine a catalog answer may itself take
    /// longer than `ms`, and what this suite checks is the serving path.
    static func harness(_ model: ServeModel, firstByteTimeoutMs ms: Int) async throws -> ServeHarness {
        let refreshed = try await ServeHarness(model: model)
        await refreshed.stop(keepFiles: true)
        return try await ServeHarness(
            model: model, refresh: false, editRegistry: firstByteTimeout(ms), directory: refreshed.dir)
    }

    @Test(
        "an upstream that sends nothing within the first-byte timeout is given up on in time and the next offer answers",
        arguments: ServeModel.allCases)
    func slowFirstByteFailsOver(_ model: ServeModel) async throws {
        let h = try await Self.harness(model, firstByteTimeoutMs: 300)
        // The slow answer comes after 8 s, far beyond the bound below, so a loaded CI machine has
        // room while an unenforced timeout still fails.
        h.simulator.inject(.slowFirstByte(ms: 8_000), pathPrefix: "/v1/chat/completions", count: 1)
        let started = Date()
        let response = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
        let seconds = Date().timeIntervalSince(started)
        #expect(response.status == 200)
        #expect(response.header("x-broker-attempts") == "2")
        #expect(seconds < 5, "waited \(seconds) s: the first-byte timeout of 300 ms was not enforced")
        await h.stop()
    }

    @Test(
        "every upstream too slow is a 503 that names the timeout, well before the slow answers would have come",
        arguments: ServeModel.allCases)
    func everyUpstreamTooSlow(_ model: ServeModel) async throws {
        let h = try await Self.harness(model, firstByteTimeoutMs: 200)
        // Answers after 8 s: four attempts with a 200 ms first-byte timeout take under a second, and
        // the bound leaves a loaded CI machine room (2.7 s seen against the former 2.4 s bound).
        h.simulator.inject(.slowFirstByte(ms: 8_000), pathPrefix: "/v1/chat/completions", count: 10)
        let started = Date()
        let response = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
        let seconds = Date().timeIntervalSince(started)
        #expect(response.status == 503)
        #expect(response.text.contains("timeout"))
        #expect(seconds < 5, "waited \(seconds) s for four attempts with a 200 ms first-byte timeout")
        await h.stop()
    }

    @Test("24 clients at once are all answered, each under its own request id", arguments: ServeModel.allCases)
    func concurrentClients(_ model: ServeModel) async throws {
        let h = try await ServeHarness(model: model)
        let prompts = (0..<24).map { "prompt number \($0)" }
        let answers = try await withThrowingTaskGroup(of: (String, Int, String?).self) { group in
            for prompt in prompts {
                group.addTask {
                    let r = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8", prompt))
                    return (prompt, r.status, r.header("x-broker-request-id"))
                }
            }
            var all: [(String, Int, String?)] = []
            for try await answer in group { all.append(answer) }
            return all
        }
        #expect(answers.count == prompts.count)
        #expect(answers.allSatisfy { $0.1 == 200 })
        #expect(Set(answers.compactMap(\.2)).count == prompts.count)
        #expect(
            answers.allSatisfy { answer in
                guard let id = answer.2, id.hasPrefix("req_"), id.count == 36 else { return false }
                return id.dropFirst(4).allSatisfy { $0.isHexDigit && !$0.isUppercase }
            })
        await h.stop()
    }
}
