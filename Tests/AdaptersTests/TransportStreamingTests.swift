import ProviderSimulator
import Testing

@testable import Adapters

/// `CurlTransport.stream`: early return, arrival order, and broken or cut streams.
@Suite struct TransportStreamingTests {
    @Test func streamReturnsAtTheHeadersAndYieldsEventsInOrderAsTheyArrive() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("POST", "/v1/chat/completions") { _ in .sse(["e1", "e2", "e3", "e4"], delayMs: 100) }
        let transport = CurlTransport()
        let request = HTTPRequest(method: "POST", url: sim.url("/v1/chat/completions"), body: Array("{}".utf8))
        // Timed on a private executor so busy cooperative threads cannot bunch the arrivals.
        let (events, headersAt, arrivals) = try await withTaskExecutorPreference(TransportTestExecutor()) {
            let started = ContinuousClock.now
            let response = try await transport.stream(request)
            let headersAt = ContinuousClock.now - started
            #expect(response.status == 200)
            #expect(response.header("content-type") == "text/event-stream")
            var events: [String] = []
            var arrivals: [Duration] = []
            for try await event in response.dataEvents() {
                events.append(event.data)
                arrivals.append(ContinuousClock.now - started)
            }
            return (events, headersAt, arrivals)
        }
        #expect(events == ["e1", "e2", "e3", "e4", "[DONE]"])
        let firstAt = try #require(arrivals.first)
        let lastAt = try #require(arrivals.last)
        // Four 100 ms gaps: the first event must be in hand long before the last
        // (half the gap is allowed for a loaded machine), and the headers before it.
        #expect((lastAt - firstAt).transportTestMs >= 200)
        #expect(headersAt <= firstAt)
    }

    @Test func resetMidBodyEndsTheStreamWithConnectionBroken() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("POST", "/v1/chat/completions") { _ in .sse(["a", "b", "c", "d", "e", "f"], delayMs: 5) }
        sim.inject(.resetMidBody)
        let response = try await CurlTransport().stream(
            HTTPRequest(method: "POST", url: sim.url("/v1/chat/completions"), body: Array("{}".utf8)))
        #expect(response.status == 200)
        let (chunks, error) = await TransportFixture.drain(response.body)
        #expect(error?.code == .connectionBroken)
        #expect(!chunks.isEmpty)
        #expect(!chunks.flatMap { $0 }.elementsEqual("data: [DONE]\n\n".utf8))
    }

    @Test func truncatedStreamHasNoDoneAndEndsWithConnectionBroken() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("POST", "/v1/chat/completions") { _ in .sse(["a", "b", "c", "d", "e", "f"]) }
        sim.inject(.truncatedStream)
        let response = try await CurlTransport().stream(
            HTTPRequest(method: "POST", url: sim.url("/v1/chat/completions"), body: Array("{}".utf8)))
        let (events, error) = await TransportFixture.events(response)
        #expect(error?.code == .connectionBroken)
        #expect(!events.isEmpty)
        #expect(!events.contains { $0.isDone })
    }

    @Test func inBandErrorEventIsPassedThroughAsAnEvent() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("POST", "/v1/chat/completions") { _ in .sse(["a", "b", "c", "d"]) }
        sim.inject(.inBandStreamError(message: "upstream overloaded"))
        let response = try await CurlTransport().stream(
            HTTPRequest(method: "POST", url: sim.url("/v1/chat/completions"), body: Array("{}".utf8)))
        let (events, error) = await TransportFixture.events(response)
        // Telling an in-band error from text is the adapter's job: the transport delivers it intact.
        #expect(error == nil)
        #expect(events.map(\.data).prefix(2) == ["a", "b"])
        #expect(events.last?.data.contains("upstream overloaded") == true)
    }

    @Test func errorStatusStreamsItsBody() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("POST", "/v1/chat/completions") { _ in .sse(["a"]) }
        sim.inject(.rateLimited(retryAfterSeconds: 3))
        let response = try await CurlTransport().stream(
            HTTPRequest(method: "POST", url: sim.url("/v1/chat/completions"), body: Array("{}".utf8)))
        #expect(response.status == 429)
        #expect(response.header("retry-after") == "3")
        let (chunks, error) = await TransportFixture.drain(response.body)
        #expect(error == nil)
        #expect(String(decoding: chunks.flatMap { $0 }, as: UTF8.self).contains("rate_limit_exceeded"))
    }

    @Test func noHeadersWithinTheFirstByteTimeoutFailsTheStream() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("POST", "/v1/chat/completions") { _ in .sse(["a"]) }
        sim.inject(.slowFirstByte(ms: 1_500))
        let error = await TransportFixture.error {
            try await CurlTransport().stream(
                HTTPRequest(
                    method: "POST", url: sim.url("/v1/chat/completions"), body: Array("{}".utf8),
                    timeouts: HTTPTimeouts(firstByteMs: 150)))
        }
        #expect(error?.code == .firstByteTimeout)
    }

    @Test func aStreamOutlivesItsTransportAndTheLoopEndsAfterIt() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/events") { _ in .sse(["x", "y", "z"], delayMs: 30) }
        var transport: CurlTransport? = CurlTransport()
        let loop = try #require(transport?.loop)
        let response = try #require(try await transport?.stream(HTTPRequest(url: sim.url("/events"))))
        transport = nil
        let (events, error) = await TransportFixture.events(response)
        #expect(error == nil)
        #expect(events.map(\.data) == ["x", "y", "z", "[DONE]"])
        let deadline = ContinuousClock.now + .seconds(2)
        while !loop.isClosed, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(loop.isClosed)
    }

    @Test func leavingAStreamEarlyStopsItsTransferAndLeavesTheTransportUsable() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        // Five seconds of events: the loop below can only close early if leaving the stream stopped it.
        sim.route("GET", "/events") { _ in .sse((1...100).map(String.init), delayMs: 50) }
        sim.route("GET", "/ping") { _ in .json("{}") }
        var transport: CurlTransport? = CurlTransport()
        let loop = try #require(transport?.loop)
        if let response = try await transport?.stream(HTTPRequest(url: sim.url("/events"))) {
            for try await event in response.dataEvents() where event.data == "2" { break }
        }
        #expect(try await transport?.send(HTTPRequest(url: sim.url("/ping"))).status == 200)
        transport = nil
        let deadline = ContinuousClock.now + .seconds(3)
        while !loop.isClosed, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(loop.isClosed)
    }
}
