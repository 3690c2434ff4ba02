import ProviderInterface
import ProviderSimulator
import Testing

@Suite struct SimulatorChatTests {
    static let llama = "meta-llama/Llama-3.1-8B-Instruct"

    func streamedChunks(_ simulator: ProviderSimulator, extra: String = "", path: String = "/v1/chat/completions")
        throws -> [JSONValue]
    {
        let response = try RawHTTPClient(port: simulator.port).request(
            "POST", path, body: chatBody(Self.llama, "one two three", stream: true, extra: extra))
        #expect(response.sseData.last == "[DONE]")
        return try response.sseData.dropLast().map { try JSONParser.parse($0) }
    }

    func fixtures(_ placement: UsagePlacement) -> SimulatorFixtures {
        var fixtures = SimulatorFixtures()
        fixtures.usagePlacement = placement
        return fixtures
    }

    @Test func usageInEveryChunkIsCumulative() throws {
        try withSimulator(fixtures(.everyChunk)) { simulator in
            let chunks = try streamedChunks(simulator)
            let counts = chunks.compactMap { $0["usage"]?["completion_tokens"]?.intValue }
            #expect(counts.count == chunks.count)
            #expect(counts == [0, 1, 2, 3, 3])
        }
    }

    @Test func usageInAFinalEmptyDeltaChunk() throws {
        try withSimulator(fixtures(.finalEmptyDeltaChunk)) { simulator in
            let chunks = try streamedChunks(simulator)
            let last = try #require(chunks.last)
            #expect(last["usage"]?["total_tokens"]?.intValue == 6)
            #expect(last["choices"]?.arrayValue?.first?["delta"] == .object(JSONObject()))
            #expect(chunks.dropLast().allSatisfy { $0["usage"] == nil })
        }
    }

    @Test func usageOnlyWithIncludeUsageFollowsTheRequest() throws {
        try withSimulator(fixtures(.onlyWithIncludeUsage)) { simulator in
            let without = try streamedChunks(simulator)
            #expect(without.allSatisfy { $0["usage"] == nil })
            let with = try streamedChunks(simulator, extra: #","stream_options":{"include_usage":true}"#)
            let last = try #require(with.last)
            #expect(last["choices"]?.arrayValue?.isEmpty == true)
            #expect(last["usage"]?["completion_tokens"]?.intValue == 3)
        }
    }

    @Test func absentUsageIsAbsentEvenWhenNotStreamed() throws {
        try withSimulator(fixtures(.absent)) { simulator in
            #expect(try streamedChunks(simulator).allSatisfy { $0["usage"] == nil })
            let plain = try RawHTTPClient(port: simulator.port).request(
                "POST", "/v1/chat/completions", body: chatBody(Self.llama, "x"))
            #expect(try plain.json()["usage"] == nil)
        }
    }

    @Test func sseCanOmitTheSpaceAfterData() throws {
        var fixtures = SimulatorFixtures()
        fixtures.sseOmitsSpace = true
        try withSimulator(fixtures) { simulator in
            let response = try RawHTTPClient(port: simulator.port).request(
                "POST", "/v1/chat/completions", body: chatBody(Self.llama, "x", stream: true))
            #expect(response.text.hasPrefix("data:{"))
            #expect(response.text.hasSuffix("data:[DONE]\n\n"))
        }
    }

    @Test func routerPoliciesPickTheProviderAndUnknownModelsAreRefused() throws {
        try withSimulator { simulator in
            let client = try RawHTTPClient(port: simulator.port)
            func provider(_ model: String) throws -> (Int, String?, JSONValue?) {
                let r = try client.request("POST", "/v1/chat/completions", body: chatBody(model, "x"))
                return (r.status, r.header("x-inference-provider"), try? r.json())
            }
            #expect(try provider(Self.llama + ":cheapest").1 == "nscale")  // 0.03 + 0.09
            #expect(try provider(Self.llama).1 == "together")  // :fastest = first live
            #expect(try provider("Qwen/Qwen2.5-72B-Instruct:together").0 == 400)  // status error
            let unknown = try provider("nobody/nothing")
            #expect(unknown.0 == 400)
            #expect(unknown.2?["error"]?["code"] == "model_not_supported")
        }
    }

    @Test func maxTokensCutsTheAnswerWithFinishReasonLength() throws {
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers[Self.llama] = "a b c d e"
        try withSimulator(fixtures) { simulator in
            let r = try RawHTTPClient(port: simulator.port).request(
                "POST", "/v1/chat/completions", body: chatBody(Self.llama, "x", extra: #","max_tokens":2"#))
            let json = try r.json()
            #expect(json["choices"]?.arrayValue?.first?["message"]?["content"] == "a b ")
            #expect(json["choices"]?.arrayValue?.first?["finish_reason"] == "length")
            #expect(json["usage"]?["completion_tokens"]?.intValue == 2)
        }
    }

    @Test func badRequestsGetOpenAIStyleErrors() throws {
        try withSimulator { simulator in
            let client = try RawHTTPClient(port: simulator.port)
            let notJSON = try client.request("POST", "/v1/chat/completions", body: Array("nope".utf8))
            #expect(notJSON.status == 400)
            #expect(try notJSON.json()["error"]?["type"] == "invalid_request_error")
            let noMessages = try client.request("POST", "/v1/chat/completions", body: Array(#"{"model":"m"}"#.utf8))
            #expect(try noMessages.json()["error"]?["param"] == "messages")
        }
    }

    @Test func openRouterChatNamesTheProviderAndRecordsTheProviderObject() throws {
        try withSimulator { simulator in
            let body = Array(
                #"{"model":"meta-llama/llama-3.1-8b-instruct","messages":[{"role":"user","content":"hi"}],"provider":{"order":["together"],"allow_fallbacks":false}}"#
                    .utf8)
            let r = try RawHTTPClient(port: simulator.port).request("POST", "/api/v1/chat/completions", body: body)
            #expect(try r.json()["provider"] == "Together")
            #expect(simulator.requests.last?.json?["provider"]?["allow_fallbacks"] == false)
            let bad = try RawHTTPClient(port: simulator.port).request(
                "POST", "/api/v1/chat/completions", body: chatBody("x/y", "hi"))
            #expect(bad.status == 400)
        }
    }

    @Test func compatibleProvidersServeTheirOwnModels() throws {
        try withSimulator { simulator in
            let client = try RawHTTPClient(port: simulator.port)
            let ok = try client.request("POST", "/openai/v1/chat/completions", body: chatBody("gpt-4o-mini", "hello"))
            #expect(try ok.json()["choices"]?.arrayValue?.first?["message"]?["content"] == "hello")
            let missing = try client.request("POST", "/openai/v1/chat/completions", body: chatBody("gpt-9", "hello"))
            #expect(missing.status == 404)
            #expect(try missing.json()["error"]?["code"] == "model_not_found")
            let streamed = try client.request(
                "POST", "/together/v1/chat/completions",
                body: chatBody("meta-llama/Llama-3.3-70B-Instruct-Turbo", "hey", stream: true))
            #expect(streamed.sseData.last == "[DONE]")
        }
    }

    @Test func requiredTokenGuardsAPIRoutesButNotPublicCatalogs() throws {
        var fixtures = SimulatorFixtures()
        fixtures.requiredToken = "hf_secret"
        try withSimulator(fixtures) { simulator in
            let client = try RawHTTPClient(port: simulator.port)
            let anonymous = try client.request("POST", "/v1/chat/completions", body: chatBody(Self.llama, "x"))
            #expect(anonymous.status == 401)
            #expect(try anonymous.json()["error"]?["code"] == "invalid_api_key")
            #expect(try anonymous.json()["error"]?["message"] == "Invalid credentials")
            let authorized = try client.request(
                "POST", "/v1/chat/completions", headers: [("Authorization", "Bearer hf_secret")],
                body: chatBody(Self.llama, "x"))
            #expect(authorized.status == 200)
            #expect(try client.request("GET", "/v1/models").status == 200)
            #expect(try client.request("GET", "/api/models?limit=1").status == 200)
            #expect(try client.request("GET", "/v1/models", headers: [("Authorization", "Bearer wrong")]).status == 401)
            #expect(try client.request("GET", "/openai/v1/models").status == 401)
        }
    }

    @Test func streamChunkDelaySpacesTheEventsAndTheFirstArrivesAtOnce() throws {
        var fixtures = SimulatorFixtures()
        fixtures.streamChunkDelayMs = 40
        try withSimulator(fixtures) { simulator in
            let response = try RawHTTPClient(port: simulator.port).request(
                "POST", "/v1/chat/completions", body: chatBody(Self.llama, "a b", stream: true))
            let first = try #require(response.pieces.first)
            let last = try #require(response.pieces.last)
            #expect(first.atMs < 35)
            #expect(last.atMs >= 150)  // role, a, b, finish, [DONE]: four delays
        }
    }
}
