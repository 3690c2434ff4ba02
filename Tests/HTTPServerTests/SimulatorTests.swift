// HTTPServerTests does not (yet) declare ProviderSimulator as a dependency in Package.swift; the
// guard keeps this file compiling whether or not the module is visible. See the simulator report.
import ProviderInterface
import ProviderSimulator
import Testing

/// Starts a simulator, runs `body`, stops it.
func withSimulator<T>(
    _ fixtures: SimulatorFixtures = SimulatorFixtures(), _ body: (ProviderSimulator) throws -> T
) throws -> T {
    let simulator = ProviderSimulator(fixtures: fixtures)
    try simulator.start()
    defer { simulator.stop() }
    return try body(simulator)
}

extension RawHTTPClient.Response {
    /// The body parsed as JSON.
    func json() throws -> JSONValue { try JSONParser.parse(body) }

    /// The `data:` payloads of an SSE body, in order.
    var sseData: [String] {
        text.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("data:") else { return nil }
            return String(line.dropFirst(5).drop { $0 == " " })
        }
    }
}

func chatBody(_ model: String, _ content: String, stream: Bool = false, extra: String = "") -> [UInt8] {
    Array(
        #"{"model":"\#(model)","messages":[{"role":"user","content":"\#(content)"}],"stream":\#(stream)\#(extra)}"#.utf8
    )
}

@Suite struct SimulatorBasicsTests {
    @Test func startsOnAnEphemeralPortAndBuildsURLs() throws {
        try withSimulator { simulator in
            #expect(simulator.port > 0)
            #expect(simulator.baseURL == "http://127.0.0.1:\(simulator.port)")
            #expect(simulator.url("/v1/models") == "http://127.0.0.1:\(simulator.port)/v1/models")
        }
    }

    @Test func chatCompletionEchoesTheLastUserMessageWithUsageAndProvider() throws {
        try withSimulator { simulator in
            let client = try RawHTTPClient(port: simulator.port)
            let response = try client.request(
                "POST", "/v1/chat/completions", headers: [("Content-Type", "application/json")],
                body: chatBody("meta-llama/Llama-3.1-8B-Instruct:groq", "hello there world"))
            #expect(response.status == 200)
            #expect(response.header("x-inference-provider") == "groq")
            let json = try response.json()
            #expect(json["object"] == "chat.completion")
            #expect(json["model"] == "meta-llama/Llama-3.1-8B-Instruct")
            #expect(json["choices"]?.arrayValue?.first?["message"]?["content"] == "hello there world")
            #expect(json["choices"]?.arrayValue?.first?["finish_reason"] == "stop")
            #expect(json["usage"]?["prompt_tokens"]?.intValue == 3)
            #expect(json["usage"]?["completion_tokens"]?.intValue == 3)
            #expect(json["usage"]?["total_tokens"]?.intValue == 6)
        }
    }

    @Test func streamedChatEndsWithDoneAndCarriesTheAnswerInDeltas() throws {
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers["meta-llama/Llama-3.1-8B-Instruct"] = "Paris is the capital."
        try withSimulator(fixtures) { simulator in
            let client = try RawHTTPClient(port: simulator.port)
            let response = try client.request(
                "POST", "/v1/chat/completions",
                body: chatBody("meta-llama/Llama-3.1-8B-Instruct", "capital?", stream: true))
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/event-stream")
            #expect(response.complete)
            let data = response.sseData
            #expect(data.last == "[DONE]")
            let chunks = try data.dropLast().map { try JSONParser.parse($0) }
            let text = chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }
                .joined()
            #expect(text == "Paris is the capital.")
            #expect(chunks.allSatisfy { $0["object"] == "chat.completion.chunk" })
            // Default placement: usage only in the last chunk, the one with finish_reason.
            #expect(chunks.last?["usage"]?["completion_tokens"]?.intValue == 4)
            #expect(chunks.last?["choices"]?.arrayValue?.first?["finish_reason"] == "stop")
            #expect(chunks.dropLast().allSatisfy { $0["usage"] == nil })
        }
    }

    @Test func hubListingPaginatesThroughLinkWithEveryOriginalParameter() throws {
        try withSimulator { simulator in
            let client = try RawHTTPClient(port: simulator.port)
            var target =
                "/api/models?inference_provider=all&expand[]=inferenceProviderMapping&expand[]=pipeline_tag&limit=5"
            var ids: [String] = []
            var pages = 0
            while true {
                let response = try client.request("GET", target)
                #expect(response.status == 200)
                let items = try #require(try response.json().arrayValue)
                ids += items.compactMap { $0["id"]?.stringValue }
                pages += 1
                for item in items {
                    #expect(item["inferenceProviderMapping"]?.arrayValue != nil)  // a list in listings
                    #expect(item["downloads"] == nil)  // only expanded fields come back
                }
                guard let link = response.header("Link") else { break }
                #expect(link.hasSuffix(#">; rel="next""#))
                let url = String(link.dropFirst().prefix { $0 != ">" })
                #expect(
                    url.hasPrefix(
                        simulator.baseURL
                            + "/api/models?inference_provider=all&expand[]=inferenceProviderMapping&expand[]=pipeline_tag&limit=5&cursor="
                    ))
                target = String(url.dropFirst(simulator.baseURL.count))
            }
            let expected = SimulatorFixtures().hubModels.map(\.id)
            #expect(ids == expected)
            #expect(pages == (expected.count + 4) / 5)
        }
    }

    @Test func recordsRequestsWithConnectionIDsAndCustomRoutesWin() throws {
        try withSimulator { simulator in
            simulator.route("GET", "/v1/models") { request in .json(#"{"custom":"\#(request.query)"}"#, status: 202) }
            let client = try RawHTTPClient(port: simulator.port)
            let response = try client.request(
                "GET", "/v1/models?x=1%202", headers: [("Authorization", "Bearer hf_test")])
            #expect(response.status == 202)
            #expect(try response.json()["custom"] == "x=1%202")
            _ = try client.request(
                "POST", "/v1/chat/completions", body: chatBody("meta-llama/Llama-3.1-8B-Instruct", "hi"))
            let recorded = simulator.requests
            #expect(recorded.count == 2)
            #expect(recorded[0].method == "GET")
            #expect(recorded[0].path == "/v1/models")
            #expect(recorded[0].queryItems.first?.value == "1 2")
            #expect(recorded[0].header("authorization") == "Bearer hf_test")
            #expect(recorded[1].json?["model"] == "meta-llama/Llama-3.1-8B-Instruct")
            #expect(recorded[0].connectionID == recorded[1].connectionID)
            simulator.clearRequests()
            #expect(simulator.requests.isEmpty)
        }
    }

    @Test func injectedFaultHitsOnlyMatchingPathsAndOnlyCountTimes() throws {
        try withSimulator { simulator in
            simulator.inject(.rateLimited(retryAfterSeconds: 7), pathPrefix: "/v1/chat", count: 2)
            let client = try RawHTTPClient(port: simulator.port)
            #expect(try client.request("GET", "/v1/models").status == 200)
            let limited = try client.request(
                "POST", "/v1/chat/completions", body: chatBody("meta-llama/Llama-3.1-8B-Instruct", "a"))
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") == "7")
            #expect(try limited.json()["error"]?["code"] == "rate_limit_exceeded")
            #expect(
                try client.request(
                    "POST", "/v1/chat/completions", body: chatBody("meta-llama/Llama-3.1-8B-Instruct", "a")
                ).status == 429)
            #expect(
                try client.request(
                    "POST", "/v1/chat/completions", body: chatBody("meta-llama/Llama-3.1-8B-Instruct", "a")
                ).status == 200)
        }
    }
}
