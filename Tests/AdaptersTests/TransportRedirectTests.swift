import ProviderSimulator
import Testing

@testable import Adapters

/// Redirects followed by the transport, and the rule that credentials never cross hosts.
@Suite struct TransportRedirectTests {
    static let credentialed: [HTTPHeader] = [
        HTTPHeader("Authorization", "Bearer secret-token"), HTTPHeader("X-Api-Key", "key-123"),
        HTTPHeader("X-Trace", "t-1"),
    ]

    @Test func redirectToAnotherHostDropsCredentialsButKeepsOtherHeaders() async throws {
        let first = try TransportFixture.simulator()
        defer { first.stop() }
        let second = try TransportFixture.simulator()
        defer { second.stop() }
        let target = "http://localhost:\(second.port)/landing"
        first.route("GET", "/start") { _ in SimulatedResponse(status: 302, headers: [("Location", target)]) }
        second.route("GET", "/landing") { _ in .json(#"{"landed":true}"#) }

        let response = try await CurlTransport().send(HTTPRequest(url: first.url("/start"), headers: Self.credentialed))
        #expect(response.status == 200)
        #expect(response.text == #"{"landed":true}"#)
        #expect(response.url.hasPrefix("http://localhost:\(second.port)/landing"))
        #expect(first.requests.first?.header("authorization") == "Bearer secret-token")
        let landed = try #require(second.requests.first)
        #expect(landed.header("authorization") == nil)
        #expect(landed.header("x-api-key") == nil)
        #expect(landed.header("x-trace") == "t-1")
    }

    @Test func streamingRedirectToAnotherHostDropsCredentials() async throws {
        let first = try TransportFixture.simulator()
        defer { first.stop() }
        let second = try TransportFixture.simulator()
        defer { second.stop() }
        let target = "http://localhost:\(second.port)/events"
        first.route("GET", "/events") { _ in SimulatedResponse(status: 307, headers: [("Location", target)]) }
        second.route("GET", "/events") { _ in .sse(["moved"]) }

        let response = try await CurlTransport().stream(
            HTTPRequest(url: first.url("/events"), headers: Self.credentialed))
        #expect(response.status == 200)
        let (events, error) = await TransportFixture.events(response)
        #expect(error == nil)
        #expect(events.map(\.data) == ["moved", "[DONE]"])
        #expect(second.requests.first?.header("authorization") == nil)
    }

    @Test func sameHostRedirectKeepsCredentialsMethodAndBody() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("POST", "/old") { _ in SimulatedResponse(status: 307, headers: [("Location", "/new")]) }
        sim.route("POST", "/new") { _ in .json("{}") }
        let response = try await CurlTransport().send(
            HTTPRequest(method: "POST", url: sim.url("/old"), headers: Self.credentialed, body: Array("payload".utf8)))
        #expect(response.status == 200)
        #expect(response.url == sim.url("/new"))
        let moved = try #require(sim.requests.last)
        #expect(moved.path == "/new")
        #expect(moved.method == "POST")
        #expect(moved.body == Array("payload".utf8))
        #expect(moved.header("authorization") == "Bearer secret-token")
    }

    @Test func seeOtherTurnsAPostIntoAGet() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("POST", "/submit") { _ in SimulatedResponse(status: 303, headers: [("Location", "/result")]) }
        sim.route("GET", "/result") { _ in .json(#"{"done":true}"#) }
        let response = try await CurlTransport().send(
            HTTPRequest(
                method: "POST", url: sim.url("/submit"),
                headers: [HTTPHeader("Content-Type", "application/json")], body: Array("{}".utf8)))
        #expect(response.text == #"{"done":true}"#)
        let followed = try #require(sim.requests.last)
        #expect(followed.method == "GET")
        #expect(followed.body.isEmpty)
    }

    @Test func tooManyRedirectsIsABadRedirect() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/loop") { _ in SimulatedResponse(status: 302, headers: [("Location", "/loop")]) }
        let error = await TransportFixture.error {
            try await CurlTransport().send(HTTPRequest(url: sim.url("/loop"), maxRedirects: 3))
        }
        #expect(error?.code == .badRedirect)
        #expect(sim.requests.count == 4)
    }
}
