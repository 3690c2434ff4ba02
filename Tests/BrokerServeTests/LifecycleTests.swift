import Adapters
import Foundation
import ProviderSimulator
import Testing

@Suite("broker serve: clean shutdown and background refresh")
struct LifecycleTests {
    @Test(
        "shutdown lets a stream in flight finish, turns new requests away with 503, and stops",
        arguments: ServeModel.allCases)
    func gracefulShutdown(_ model: ServeModel) async throws {
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers[ServeHarness.llama8B] = "a b c d e f g h"
        // Long enough (8 × 150 ms) that a test task delayed by a busy suite still sees the draining.
        fixtures.streamChunkDelayMs = 150
        let h = try await ServeHarness(fixtures: fixtures, model: model)
        let inFlight = Task {
            try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8", extra: ["stream": true]))
        }
        // Wait until the stream is being served.
        for _ in 0..<2000 where h.server.inFlight == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(h.server.inFlight == 1)
        let shutdown = Task { await h.server.shutdown() }
        // Once draining has begun (at once, on a quiet machine), new requests are turned away.
        var refused = try await h.send("GET", "/v1/models")
        for _ in 0..<100 where refused.status != 503 {
            try await Task.sleep(for: .milliseconds(10))
            refused = try await h.send("GET", "/v1/models")
        }
        #expect(refused.status == 503)
        #expect(refused.header("Connection")?.lowercased() == "close")
        let stream = try await inFlight.value
        #expect(stream.status == 200)
        #expect(stream.text.hasSuffix("data: [DONE]\n\n"))
        #expect(stream.text.contains("\"h\""))
        #expect(await shutdown.value == 0)
        await #expect(throws: (any Error).self) { try await h.send("GET", "/health") }
        h.simulator.stop()
    }

    @Test(
        "SIGTERM while streams whose clients hung up (before the first byte, or mid-stream while the provider is silent) are in flight: serve stops at once and cleanly (exit 0)",
        arguments: ServeModel.allCases)
    func shutdownWithHungUpStreams(_ model: ServeModel) async throws {
        let workspace = try await ServeProcessWorkspace.make("hangups")
        // The simulator and the folder live until the test ends.
        defer { withExtendedLifetime(workspace) {} }
        let simulator = workspace.simulator
        let environment = workspace.environment
        let loops = model == .eventLoops ? "2" : "off"
        // A grace period shorter than the provider's answers: streams still running at its end
        // are cut off, and serve exits 1 for them.
        let server = try await onOwnThread {
            try BrokerServeProcess(
                ["--no-initial-refresh", "--refresh-every", "off", "--event-loops", loops, "--grace", "4s"],
                environment: environment)
        }
        let body = try JSONSerialization.data(
            withJSONObject: ServeHarness.chat("l8", "nobody will read this stream", extra: ["stream": true]))
        let port = server.port
        // Clients and the shutdown on threads of their own: a busy test process delays neither.
        // Two clients read their stream's first word (5 s in) and hang up; the provider's next is 5 s away.
        simulator.inject(.slowDrip(chunkDelayMs: 5_000), pathPrefix: "/v1/chat/completions", count: 2)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    let read = try await onOwnThread { try Self.readUntil("nobody", port: port, body: [UInt8](body)) }
                    #expect(read, "the stream's first word arrived before the client hung up")
                }
            }
            try await group.waitForAll()
        }
        // Ten more hang up before their first byte; every provider call would take 8 s.
        simulator.inject(.slowFirstByte(ms: 8_000), pathPrefix: "/v1/chat/completions", count: 100)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    try await onOwnThread {
                        try EventLoopServeTests.sendAndHangUp(
                            port: port, target: "/v1/chat/completions", body: [UInt8](body), afterMs: 200)
                    }
                }
            }
            try await group.waitForAll()
        }
        // The clients are gone and their streams still wait for a first byte: stop the server now.
        let (code, stderr, took) = try await onOwnThread { () -> (Int32, String, Double) in
            let started = Date()
            let (code, stderr) = server.terminate()
            return (code, stderr, Date().timeIntervalSince(started))
        }
        #expect(code == 0, "\(stderr)")
        #expect(stderr.contains("broker serve: stopped\n"), "\(stderr)")
        #expect(took < 3, "the shutdown waited \(took) s for answers nobody will read")
        // One provider call per stream at most: none failed over to another offer for nobody.
        #expect(simulator.requests.filter { $0.path == "/v1/chat/completions" }.count <= 12)
    }

    /// Sends a streamed chat request on a raw socket, reads until `text` arrives (or 20 s pass),
    /// and closes the connection; whether `text` arrived.
    static func readUntil(_ text: String, port: Int, body: [UInt8]) throws -> Bool {
        guard let fd = LoopbackSocket.connect(port: port) else { return false }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let head =
            "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        let bytes = Array(head.utf8) + body
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            return false
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: received, as: UTF8.self).contains(text) {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { return false }
            received += buffer[0..<count]
        }
        return true
    }

    @Test("a background refresh runs while requests are served, and none of them fails")
    func refreshWhileServing() async throws {
        let h = try await ServeHarness(configure: {
            $0.refreshIntervalMs = 150; $0.marketCacheTTLMs = 0
        })
        var statuses: [Int] = []
        var rounds = 0
        let started = Date()
        // Keep requests going until several background rounds have run (or 20 s, on a slow machine).
        while (rounds < 3 || statuses.count < 10), Date().timeIntervalSince(started) < 20 {
            let response = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
            statuses.append(response.status)
            let health = ServeHarness.json(try await h.send("GET", "/health")) as? [String: Any]
            rounds = health?["refresh_rounds"] as? Int ?? 0
        }
        #expect(rounds >= 3)
        #expect(statuses.count >= 10)
        #expect(statuses.allSatisfy { $0 == 200 })
        await h.stop()
    }
}
