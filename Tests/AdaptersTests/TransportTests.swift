import ProviderInterface
import ProviderSimulator
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import Adapters

/// `CurlTransport.send` against the loopback simulator: requests as built, connection reuse,
/// and every fault the simulator injects.
@Suite struct TransportTests {
    @Test func sendDeliversTheRequestAsBuiltAndReturnsStatusHeadersAndBody() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("POST", "/v1/echo") { request in
            .json(#"{"ok":true}"#, status: 201, headers: [("X-Seen-Method", request.method)])
        }
        let response = try await CurlTransport().send(
            HTTPRequest(
                method: "POST", url: sim.url("/v1/echo?a=1&b=two"),
                headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("X-Custom", "v")],
                body: Array(#"{"q":1}"#.utf8)))
        #expect(response.status == 201)
        #expect(response.header("x-seen-method") == "POST")
        #expect(response.text == #"{"ok":true}"#)
        let recorded = try #require(sim.requests.first)
        #expect(recorded.body == Array(#"{"q":1}"#.utf8))
        #expect(recorded.query == "a=1&b=two")
        #expect(recorded.header("x-custom") == "v")
        #expect(recorded.header("content-type") == "application/json")
        #expect(recorded.header("expect") == nil)
    }

    @Test func sequentialRequestsReuseOneKeptAliveConnection() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/ping") { _ in .json("{}") }
        let transport = CurlTransport()
        for _ in 0..<6 {
            #expect(try await transport.send(HTTPRequest(url: sim.url("/ping"))).status == 200)
        }
        let connections = sim.requests.map(\.connectionID)
        #expect(connections.count == 6)
        #expect(Set(connections).count == 1)
    }

    @Test func concurrentRequestsAllGetTheirOwnAnswer() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/item") { request in .json("\"\(request.query)\"") }
        let transport = CurlTransport()
        let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<32 {
                group.addTask { (index, try await transport.send(HTTPRequest(url: sim.url("/item?i=\(index)"))).text) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(answers.count == 32)
        #expect(answers.allSatisfy { $0.value == "\"i=\($0.key)\"" })
    }

    @Test func rateLimitIsAResponseThatCarriesRetryAfter() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/v1/models") { _ in .json("{}") }
        sim.inject(.rateLimited(retryAfterSeconds: 7), pathPrefix: "/v1/models")
        let response = try await CurlTransport().send(HTTPRequest(url: sim.url("/v1/models")))
        #expect(response.status == 429)
        #expect(response.header("Retry-After") == "7")
        #expect(response.text.contains("rate_limit_exceeded"))
    }

    @Test func hubRateLimitHeadersAreSurfaced() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/api/listing") { _ in .json("[]") }
        sim.inject(.hubRateLimited(resetSeconds: 42))
        let response = try await CurlTransport().send(HTTPRequest(url: sim.url("/api/listing")))
        #expect(response.status == 429)
        #expect(response.header("ratelimit")?.contains("t=42") == true)
        #expect(response.header("ratelimit-policy") != nil)
    }

    @Test(arguments: [500, 502, 503])
    func serverErrorsAreResponsesWithTheirBody(status: Int) async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/v1/models") { _ in .json("{}") }
        sim.inject(.serverError(status))
        let response = try await CurlTransport().send(HTTPRequest(url: sim.url("/v1/models")))
        #expect(response.status == status)
        #expect(try JSONParser.parse(response.body)["error"] != nil)
    }

    @Test func noByteWithinTheFirstByteTimeoutFailsEarly() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/slow") { _ in .json("{}") }
        sim.inject(.slowFirstByte(ms: 1_500))
        // Waiting out the server would have given a 200: the error shows the transfer was cut at 150 ms.
        let error = await TransportFixture.error {
            try await CurlTransport().send(
                HTTPRequest(url: sim.url("/slow"), timeouts: HTTPTimeouts(firstByteMs: 150, totalMs: 10_000)))
        }
        #expect(error?.code == .firstByteTimeout)
    }

    @Test func slowDripWithinTheTotalTimeoutCompletes() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        let body = #"{"data":""# + String(repeating: "x", count: 500) + #""}"#
        sim.route("GET", "/drip") { _ in .json(body) }
        sim.inject(.slowDrip(chunkDelayMs: 40))
        // The drip (8 pieces, ~300 ms) takes longer than the first-byte timeout: that bound
        // is for the first byte only.
        let response = try await CurlTransport().send(
            HTTPRequest(url: sim.url("/drip"), timeouts: HTTPTimeouts(firstByteMs: 200, totalMs: 5_000)))
        #expect(response.status == 200)
        #expect(response.text == body)
    }

    @Test func slowDripBeyondTheTotalTimeoutFails() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/drip") { _ in .json(#"{"data":""# + String(repeating: "x", count: 500) + #""}"#) }
        sim.inject(.slowDrip(chunkDelayMs: 100))
        let error = await TransportFixture.error {
            try await CurlTransport().send(HTTPRequest(url: sim.url("/drip"), timeouts: HTTPTimeouts(totalMs: 250)))
        }
        #expect(error?.code == .totalTimeout)
    }

    @Test func resetMidBodyIsABrokenConnectionAndTheMessageHidesTheQuery() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/data") { _ in .json(#"{"data":""# + String(repeating: "y", count: 4_000) + #""}"#) }
        sim.inject(.resetMidBody)
        let error = await TransportFixture.error {
            try await CurlTransport().send(
                HTTPRequest(
                    url: sim.url("/data?api_key=secret-value"), headers: [HTTPHeader("Authorization", "Bearer tok-123")]
                ))
        }
        #expect(error?.code == .connectionBroken)
        #expect(error?.message.contains("secret-value") == false)
        #expect(error?.message.contains("tok-123") == false)
    }

    @Test func malformedJSONIsDeliveredAsIs() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/v1/models") { _ in .json("{}") }
        sim.inject(.malformedJSON)
        let response = try await CurlTransport().send(HTTPRequest(url: sim.url("/v1/models")))
        #expect(response.status == 200)
        #expect(!response.body.isEmpty)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(response.body) }
    }

    @Test func oversizedBodyWithContentLengthIsTooLarge() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/big") { _ in .json("{}") }
        sim.inject(.oversizedBody(bytes: 300_000), count: 2)
        let transport = CurlTransport()
        let error = await TransportFixture.error {
            try await transport.send(HTTPRequest(url: sim.url("/big"), maxResponseBytes: 100_000))
        }
        #expect(error?.code == .tooLarge)
        let fits = try await transport.send(HTTPRequest(url: sim.url("/big"), maxResponseBytes: 300_000))
        #expect(fits.body.count == 300_000)
    }

    @Test func oversizedChunkedBodyIsCutAtTheLimit() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        let chunks = Array(repeating: [UInt8](repeating: UInt8(ascii: "z"), count: 16_384), count: 10)
        sim.route("GET", "/chunked") { _ in SimulatedResponse(status: 200, body: .chunks(chunks, delayMs: 0)) }
        let transport = CurlTransport()
        let request = HTTPRequest(url: sim.url("/chunked"), maxResponseBytes: 50_000)
        #expect(await TransportFixture.error { try await transport.send(request) }?.code == .tooLarge)

        let streamed = try await transport.stream(request)
        let (received, error) = await TransportFixture.drain(streamed.body)
        #expect(error?.code == .tooLarge)
        #expect(received.reduce(0) { $0 + $1.count } <= 50_000)
    }

    @Test func gzipBodyIsDecoded() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/gz") { _ in
            SimulatedResponse(
                status: 200, headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")],
                body: .bytes(TransportFixture.gzipBody))
        }
        let response = try await CurlTransport().send(HTTPRequest(url: sim.url("/gz")))
        #expect(response.text == TransportFixture.gzipText)
        #expect(sim.requests.first?.header("accept-encoding")?.contains("gzip") == true)
    }

    @Test func cancellingTheTaskStopsTheTransfer() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/slow") { _ in .json("{}") }
        sim.inject(.slowFirstByte(ms: 3_000))
        let transport = CurlTransport()
        let task = Task { () -> TransportError? in
            await TransportFixture.error { try await transport.send(HTTPRequest(url: sim.url("/slow"))) }
        }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        // Not cancelled, the request would have succeeded after the server's 3 s wait.
        #expect(await task.value?.code == .cancelled)
    }

    @Test func refusedConnectionIsConnectFailed() async throws {
        let sim = try TransportFixture.simulator()
        let url = sim.url("/gone")
        sim.stop()
        let error = await TransportFixture.error { try await CurlTransport().send(HTTPRequest(url: url)) }
        #expect(error?.code == .connectFailed)
    }

    @Test func aConnectionThatNeverCompletesIsAConnectTimeout() async throws {
        let (port, descriptors) = try TransportFixture.unacceptingPort()
        defer { for descriptor in descriptors { close(descriptor) } }
        let error = await TransportFixture.error {
            try await CurlTransport().send(
                HTTPRequest(
                    url: "http://127.0.0.1:\(port)/v1/models",
                    timeouts: HTTPTimeouts(connectMs: 200, firstByteMs: 10_000, totalMs: 10_000)))
        }
        #expect(error?.code == .connectTimeout)
    }

    @Test func releasingTheTransportEndsItsLoopThread() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/ping") { _ in .json("{}") }
        var transport: CurlTransport? = CurlTransport()
        let loop = try #require(transport?.loop)
        _ = try await transport?.send(HTTPRequest(url: sim.url("/ping")))
        #expect(!loop.isClosed)
        transport = nil
        let deadline = ContinuousClock.now + .seconds(2)
        while !loop.isClosed, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(loop.isClosed)
    }
}
