import Foundation
import ProviderSimulator
import Testing

/// Parameters that decide a request's cost are checked before anything is routed or sent.
@Suite("cost-deciding parameters")
struct CostParameterTests {
    static let llama8B = "meta-llama/Llama-3.1-8B-Instruct"

    @Test("max_tokens that is not a positive integer, or fits no offer's context, exits 64 naming it and calls nobody")
    func invalidMaxTokens() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        #expect(try await market.broker(["refresh", "--provider", "hf"]).code == 0)
        market.simulator.clearRequests()
        let cases = [
            ("max_tokens", "-1", "positive integer"), ("max_tokens", "0", "positive integer"),
            ("max_tokens", "1.5", "positive integer"), ("max_tokens", "lots", "positive integer"),
            ("max_completion_tokens", "-5", "positive integer"),
            ("max_tokens", "100000000", "does not fit the context"),
            ("max_tokens", "9223372036854775807", "does not fit the context"),  // once an overflow trap
        ]
        for (name, value, reason) in cases {
            let result = try await market.broker([
                "run", "--model", Self.llama8B, "--prompt", "hi", "--param", "\(name)=\(value)", "--max-cost", "0.001",
            ])
            #expect(result.code == 64, "\(name)=\(value): \(result.stderr)")
            #expect(result.stderr.contains(name) && result.stderr.contains(reason), "\(result.stderr)")
        }
        #expect(!market.simulator.requests.contains { $0.path == "/v1/chat/completions" })
        // A batch line with such a parameter is bad input with its line number.
        let inURL = market.dir.appendingPathComponent("in.jsonl")
        try #"{"id": 1, "model": "\#(Self.llama8B)", "prompt": "hi", "parameters": {"max_tokens": -1}}"#.write(
            to: inURL, atomically: true, encoding: .utf8)
        let outURL = market.dir.appendingPathComponent("out.jsonl")
        let batch = try await market.broker(["batch", inURL.path, "--output", outURL.path])
        #expect(batch.code == 65)
        #expect(
            try String(contentsOf: outURL, encoding: .utf8).contains(
                "in.jsonl:1: param max_tokens must be a positive integer"))
        // A sound cap still runs.
        let ok = try await market.broker(["run", "--model", Self.llama8B, "--prompt", "hi", "--param", "max_tokens=16"])
        #expect(ok.code == 0, "\(ok.stderr)")
    }
}
