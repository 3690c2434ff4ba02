import Adapters
import Foundation
import ProviderInterface
import ProviderSimulator
import Testing

/// `broker serve` on event loops: a loop never waits for a provider, and `--event-loops` picks
/// the model; on either model a client that hangs up stops its provider call.
@Suite("broker serve on event loops")
struct EventLoopServeTests {
    @Test("on a single loop, a provider slow to answer holds back no other client")
    func slowProviderHoldsNoOneBack() async throws {
        let h = try await ServeHarness(configure: { $0.threadModel = .eventLoops(threads: 1) })
        h.simulator.inject(.slowFirstByte(ms: 1_500), pathPrefix: "/v1/chat/completions", count: 1)
        let started = Date()
        let slow = Task { try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8", "slow one")) }
        // Let the slow request reach the provider first.
        for _ in 0..<400 where h.server.inFlight == 0 { try await Task.sleep(for: .milliseconds(5)) }
        var fastTimes: [Double] = []
        for i in 0..<5 {
            let fast = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8", "fast \(i)"))
            #expect(fast.status == 200)
            #expect(fast.text.contains("fast \(i)"))
            fastTimes.append(Date().timeIntervalSince(started))
        }
        let slowAnswer = try await slow.value
        let slowTime = Date().timeIntervalSince(started)
        #expect(slowAnswer.status == 200)
        #expect(slowAnswer.text.contains("slow one"))
        #expect(fastTimes.allSatisfy { $0 < slowTime }, "fast answers at \(fastTimes) s, the slow one at \(slowTime) s")
        #expect(slowTime >= 1.4)
        await h.stop()
    }

    @Test(
        "a client that hangs up while its provider is slow stops the provider call: one failed attempt is billed, no other offer is tried",
        arguments: ServeModel.allCases)
    func clientHangUpCancelsTheUpstreamCall(_ model: ServeModel) async throws {
        let h = try await ServeHarness(model: model)
        h.simulator.inject(.slowFirstByte(ms: 8_000), pathPrefix: "/v1/chat/completions", count: 5)
        let body = try JSONSerialization.data(withJSONObject: ServeHarness.chat("l8", "nobody will read this"))
        let started = Date()
        try Self.sendAndHangUp(port: h.server.port, target: "/v1/chat/completions", body: [UInt8](body), afterMs: 200)
        // The ledger has the attempt's outcome once the broker has given up on it (/v1/usage
        // flushes it); until then the attempt is only recorded as sent (an unknown outcome).
        var rows: [[String: Any]] = []
        while Date().timeIntervalSince(started) < 6 {
            rows = try #require(ServeHarness.json(try await h.send("GET", "/v1/usage")) as? [[String: Any]])
            if Self.settledErrors(rows) > 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let gaveUpAfter = Date().timeIntervalSince(started)
        #expect(gaveUpAfter < 4, "the broker gave up on the provider after \(gaveUpAfter) s; its answer was 8 s away")
        try await Task.sleep(for: .milliseconds(500))
        rows = try #require(ServeHarness.json(try await h.send("GET", "/v1/usage")) as? [[String: Any]])
        #expect(rows.reduce(0) { $0 + ($1["requests"] as? Int ?? 0) } == 1, "\(rows)")
        #expect(Self.settledErrors(rows) == 1, "\(rows)")
        await h.stop()
    }

    /// Failed attempts whose outcome is known: errors less those only recorded as sent.
    static func settledErrors(_ rows: [[String: Any]]) -> Int {
        rows.reduce(0) { $0 + ($1["errors"] as? Int ?? 0) - ($1["unknown_outcome"] as? Int ?? 0) }
    }

    @Test(
        "streamed requests whose clients hang up before the first byte stop their provider calls too: nothing is answered for nobody",
        arguments: ServeModel.allCases)
    func clientHangUpCancelsStreams(_ model: ServeModel) async throws {
        let h = try await ServeHarness(model: model)
        let count = 5
        h.simulator.inject(.slowFirstByte(ms: 15_000), pathPrefix: "/v1/chat/completions", count: count * 4)
        let body = try JSONSerialization.data(
            withJSONObject: ServeHarness.chat("l8", "nobody will read this stream", extra: ["stream": true]))
        let started = Date()
        let port = h.server.port
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<count {
                // Each client on a thread of its own: five blocking sockets would hold the
                // cooperative pool (two threads on a 2-core machine) and delay the rest.
                group.addTask {
                    _ = try? await onOwnThread {
                        try Self.sendAndHangUp(
                            port: port, target: "/v1/chat/completions", body: [UInt8](body), afterMs: 200)
                    }
                }
            }
        }
        var rows: [[String: Any]] = []
        while Date().timeIntervalSince(started) < 10 {
            rows = try #require(ServeHarness.json(try await h.send("GET", "/v1/usage")) as? [[String: Any]])
            if Self.settledErrors(rows) >= count { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let gaveUpAfter = Date().timeIntervalSince(started)
        #expect(
            gaveUpAfter < 8, "the broker gave up on the providers after \(gaveUpAfter) s; their answers were 15 s away")
        try await Task.sleep(for: .milliseconds(500))
        rows = try #require(ServeHarness.json(try await h.send("GET", "/v1/usage")) as? [[String: Any]])
        // One attempt per stream, each failed and unbilled: no other offer was tried for nobody.
        #expect(rows.reduce(0) { $0 + ($1["requests"] as? Int ?? 0) } == count, "\(rows)")
        #expect(Self.settledErrors(rows) == count, "\(rows)")
        #expect(h.simulator.requests.filter { $0.path == "/v1/chat/completions" }.count <= count)
        await h.stop()
    }

    @Test(
        "a client that hangs up mid-stream stops its provider's stream: the body ends and the attempt settles long before the stream would have",
        arguments: ServeModel.allCases)
    func clientHangUpMidStreamCancelsTheUpstreamStream(_ model: ServeModel) async throws {
        var fixtures = SimulatorFixtures()
        fixtures.streamChunkDelayMs = 200
        let h = try await ServeHarness(fixtures: fixtures, model: model)
        // The simulator echoes one word a chunk: 40 words, 8 s of streaming.
        let words = (0..<40).map { "word\($0)" }.joined(separator: " ")
        let body = try JSONSerialization.data(
            withJSONObject: ServeHarness.chat("l8", words, extra: ["stream": true]))
        let started = Date()
        let port = h.server.port
        let client = Task {
            try await onOwnThread {
                try Self.sendAndHangUp(port: port, target: "/v1/chat/completions", body: [UInt8](body), afterMs: 1_000)
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(h.server.inFlight == 1, "the stream runs while its client is there")
        _ = try await client.value
        while h.server.inFlight > 0, Date().timeIntervalSince(started) < 7 {
            try await Task.sleep(for: .milliseconds(50))
        }
        let gaveUpAfter = Date().timeIntervalSince(started)
        #expect(gaveUpAfter < 4, "the broker let the stream run for \(gaveUpAfter) s; it would have lasted 8 s")
        // The run was cancelled with the body: its attempt is settled, nothing is left unknown.
        var rows: [[String: Any]] = []
        for _ in 0..<40 {
            rows = try #require(ServeHarness.json(try await h.send("GET", "/v1/usage")) as? [[String: Any]])
            if rows.reduce(0, { $0 + ($1["unknown_outcome"] as? Int ?? 0) }) == 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(rows.reduce(0) { $0 + ($1["requests"] as? Int ?? 0) } == 1, "\(rows)")
        #expect(rows.reduce(0) { $0 + ($1["unknown_outcome"] as? Int ?? 0) } == 0, "\(rows)")
        await h.stop()
    }

    /// Sends one request on a raw socket, waits `afterMs`, and closes the connection unread.
    static func sendAndHangUp(port: Int, target: String, body: [UInt8], afterMs: Int) throws {
        let fd = try #require(LoopbackSocket.connect(port: port))
        defer { close(fd) }
        let head =
            "POST \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        let bytes = Array(head.utf8) + body
        let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        #expect(sent == bytes.count)
        usleep(UInt32(afterMs * 1_000))
    }

    @Test("broker serve --event-loops takes a count or 'off', and names itself when the value is wrong (64)")
    func cliFlag() async throws {
        try await BrokerServeProcess.expectOption(
            "--event-loops", wrong: ["0", "many", "65"], good: ["off", "1", "3"], paths: ["/v1/models"])
    }
}
