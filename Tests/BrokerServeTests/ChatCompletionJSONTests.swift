import ProviderInterface
import Testing

@testable import Broker
@testable import BrokerServe

@Suite("The chat answer written directly is the answer of the tree")
struct ChatCompletionJSONTests {
    @Test func sameBytesWithAndWithoutUsageCostAndStatus() {
        let offer = Offer(provider: "hf", servedBy: "groq", model: "meta-llama/Llama-3.1-8B-Instruct", task: .conversational)
        var result = RunResult(
            requestID: "req_0123", offer: offer,
            response: InferenceResponse(
                output: .text("Hello \"you\"\n"), usage: TokenUsage(inputTokens: 12, outputTokens: 3), finishReason: "length"),
            cost: PicoUSD(1_234_567), latencyMs: 42, firstTokenMs: nil,
            attempts: [
                AttemptRecord(provider: "hf", servedBy: "together", outcome: "rate_limited", status: 429, latencyMs: 7, error: "busy"),
                AttemptRecord(provider: "hf", servedBy: "groq", outcome: "ok", status: nil, latencyMs: 30, error: nil),
            ])
        let variants: [RunResult] = [
            result,
            { var r = result; r.cost = nil; r.response.usage = nil; r.response.finishReason = nil; return r }(),
            { var r = result; r.response.output = .json(["a": [1, 2]]); r.attempts = []; return r }(),
            { var r = result; r.response.servedBy = "cerebras"; r.offer.hfID = "Meta/Llama"; return r }(),
        ]
        result.latencyMs = 0
        for variant in variants + [result] {
            let direct = ChatCompletionJSON.completionBytes(variant, createdSeconds: 1_700_000_000)
            let tree = JSONWriter.bytes(ChatCompletionJSON.completion(variant, createdSeconds: 1_700_000_000))
            #expect(String(decoding: direct, as: UTF8.self) == String(decoding: tree, as: UTF8.self))
        }
    }
}
