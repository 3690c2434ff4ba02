import ProviderInterface
import ProviderSimulator
import Testing

@Suite struct SimulatorFaultTests {
    static let llama = "meta-llama/Llama-3.1-8B-Instruct"

    @Test func statusFaultAnswersTheGivenStatusBodyAndHeaders() throws {
        try withSimulator { simulator in
            simulator.inject(.status(402, body: #"{"error":"credits exhausted"}"#, headers: [("X-Why", "money")]))
            let response = try RawHTTPClient(port: simulator.port).request("GET", "/v1/models")
            #expect(response.status == 402)
            #expect(response.header("X-Why") == "money")
            #expect(response.header("Content-Type") == "application/json")
            #expect(try response.json()["error"] == "credits exhausted")
        }
    }

    @Test func hubRateLimitCarriesRateLimitHeaders() throws {
        try withSimulator { simulator in
            simulator.inject(.hubRateLimited(resetSeconds: 42), pathPrefix: "/api/models")
            let response = try RawHTTPClient(port: simulator.port).request("GET", "/api/models?limit=2")
            #expect(response.status == 429)
            #expect(response.header("RateLimit") == #""api";r=0;t=42"#)
            #expect(response.header("RateLimit-Policy") == #""fixed window";"api";q=1000;w=300"#)
            #expect(try response.json()["error"]?.stringValue != nil)
        }
    }

    @Test(arguments: [500, 502, 503])
    func serverErrorsHaveAnErrorBodyAnd503AnEstimatedTime(status: Int) throws {
        try withSimulator { simulator in
            simulator.inject(.serverError(status))
            let response = try RawHTTPClient(port: simulator.port).request(
                "POST", "/v1/chat/completions", body: chatBody(Self.llama, "x"))
            #expect(response.status == status)
            let json = try response.json()
            #expect(json["error"]?.stringValue != nil)
            #expect((json["estimated_time"] != nil) == (status == 503))
        }
    }

    @Test func slowFirstByteDelaysTheWholeResponse() throws {
        try withSimulator { simulator in
            simulator.inject(.slowFirstByte(ms: 250))
            let client = try RawHTTPClient(port: simulator.port)
            let begin = RawHTTPClient.nowMs()
            let response = try client.request("GET", "/v1/models")
            #expect(RawHTTPClient.nowMs() - begin >= 240)
            #expect(response.status == 200)
            #expect(try response.json()["object"] == "list")
        }
    }

    @Test func slowDripSendsTheNormalBodyInDelayedPieces() throws {
        try withSimulator { simulator in
            let normal = try RawHTTPClient(port: simulator.port).request("GET", "/v1/models")
            simulator.inject(.slowDrip(chunkDelayMs: 15))
            let client = try RawHTTPClient(port: simulator.port)
            let begin = RawHTTPClient.nowMs()
            let dripped = try client.request("GET", "/v1/models")
            #expect(dripped.body == normal.body)
            #expect(dripped.complete)
            #expect(dripped.pieces.count >= 4)
            #expect(RawHTTPClient.nowMs() - begin >= 45)
        }
    }

    @Test func resetMidBodySendsPartOfTheBodyThenDropsTheConnection() throws {
        try withSimulator { simulator in
            simulator.inject(.resetMidBody)
            let client = try RawHTTPClient(port: simulator.port)
            let response = try client.request("GET", "/v1/models")
            #expect(response.status == 200)
            #expect(!response.complete)
            #expect(!response.body.isEmpty)
            #expect(client.closedByPeer)
            #expect((try? response.json()) == nil)
        }
    }

    @Test func resetMidBodyOfAStreamDropsItBeforeDone() throws {
        try withSimulator { simulator in
            simulator.inject(.resetMidBody)
            let client = try RawHTTPClient(port: simulator.port)
            let response = try client.request(
                "POST", "/v1/chat/completions", body: chatBody(Self.llama, "one two three four", stream: true))
            #expect(!response.complete)
            #expect(!response.sseData.isEmpty)
            #expect(!response.sseData.contains("[DONE]"))
        }
    }

    @Test func malformedJSONIsA200ThatDoesNotParse() throws {
        try withSimulator { simulator in
            simulator.inject(.malformedJSON)
            let response = try RawHTTPClient(port: simulator.port).request("GET", "/api/v1/models")
            #expect(response.status == 200)
            #expect(response.complete)
            #expect(throws: JSONParseError.self) { try response.json() }
        }
    }

    @Test func truncatedStreamStopsWithoutDoneAndDropsTheConnection() throws {
        try withSimulator { simulator in
            simulator.inject(.truncatedStream, pathPrefix: "/v1/chat")
            let client = try RawHTTPClient(port: simulator.port)
            let response = try client.request(
                "POST", "/v1/chat/completions", body: chatBody(Self.llama, "a b c d e f", stream: true))
            #expect(response.status == 200)
            #expect(!response.complete)
            #expect(client.closedByPeer)
            let data = response.sseData
            #expect(!data.isEmpty)
            #expect(!data.contains("[DONE]"))
            #expect(try data.allSatisfy { try JSONParser.parse($0)["object"] == "chat.completion.chunk" })
        }
    }

    @Test func inBandStreamErrorArrivesAfterSomeChunksInA200() throws {
        try withSimulator { simulator in
            simulator.inject(.inBandStreamError(message: "Upstream overloaded"))
            let response = try RawHTTPClient(port: simulator.port).request(
                "POST", "/v1/chat/completions", body: chatBody(Self.llama, "a b c", stream: true))
            #expect(response.status == 200)
            let data = response.sseData
            #expect(data.count == 3)
            let error = try JSONParser.parse(try #require(data.last))
            #expect(error["error"] == "Upstream overloaded")
            #expect(error["error_type"]?.stringValue != nil)
            #expect(try JSONParser.parse(data[0])["object"] == "chat.completion.chunk")
        }
    }

    @Test(arguments: [1, 5, 11, 100_000, 1_000_000])
    func oversizedBodyIsValidJSONOfExactlyThatSize(bytes: Int) throws {
        try withSimulator { simulator in
            simulator.inject(.oversizedBody(bytes: bytes))
            let response = try RawHTTPClient(port: simulator.port).request("GET", "/v1/models")
            #expect(response.status == 200)
            #expect(response.body.count == bytes)
            #expect(throws: Never.self) { try response.json() }
        }
    }

    @Test func faultsApplyToCustomRoutesAndClearFaultsDropsThem() throws {
        try withSimulator { simulator in
            simulator.route("GET", "/custom") { _ in .json("{}") }
            simulator.inject(.serverError(500), pathPrefix: "/custom", count: 5)
            let client = try RawHTTPClient(port: simulator.port)
            #expect(try client.request("GET", "/custom").status == 500)
            #expect(simulator.pendingFaultCount == 4)
            simulator.clearFaults()
            #expect(try client.request("GET", "/custom").status == 200)
        }
    }
}
