import Dispatch
import Platform
import HTTPServer
import ProviderSimulator
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a server on event loops with an async handler, runs `body` with its port, stops it.
func withLoopServer<T>(
    loops: Int = 1, _ handler: @escaping @Sendable (ServerRequest) async -> ServerResponse, _ body: (Int) throws -> T
) throws -> T {
    let server = HTTPServer(
        configuration: HTTPServerConfiguration(threadModel: .eventLoops(threads: loops)), asyncHandler: handler)
    let port = try server.start()
    defer { server.stop() }
    return try body(port)
}

/// Sends `GET target` on a new connection, waits `afterMs`, then closes the connection without
/// reading the answer: a client that hangs up.
func hangUp(afterSending target: String, to port: Int, afterMs: Int) throws {
    let client = try RawHTTPClient(port: port)
    try client.send(Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
    usleep(UInt32(afterMs * 1_000))
}

/// Waits until `done` holds, looking every 20 ms, for at most `limitMs`.
func waitUntil(limitMs: Int = 5_000, _ done: () -> Bool) {
    var waitedMs = 0
    while !done(), waitedMs < limitMs {
        usleep(20_000)
        waitedMs += 20
    }
}

/// A streamed body fed from outside: pieces pushed from any thread, sent as they come.
final class PushedBody: Sendable {
    private let chunks: AsyncStream<[UInt8]>
    private let feed: AsyncStream<[UInt8]>.Continuation

    init() { (chunks, feed) = AsyncStream.makeStream() }

    func push(_ piece: String) { feed.yield(Array(piece.utf8)) }
    func end() { feed.finish() }

    var body: ResponseBody { ResponseBody(chunks) }
}

@Suite struct EventLoopServerTests {
    @Test func aHandlerThatAwaitsHoldsNoOtherConnectionBack() throws {
        try withLoopServer({ request in
            let onLoop = EventLoop.current != nil
            if request.path == "/slow" { try? await Task.sleep(for: .milliseconds(400)) }
            return .text("\(request.path) on loop: \(onLoop)")
        }) { port in
            let slow = try RawHTTPClient(port: port)
            try slow.send(Array("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            let begin = RawHTTPClient.nowMs()
            let fast = try RawHTTPClient(port: port).request("GET", "/fast")
            #expect(fast.text == "/fast on loop: true")
            #expect(RawHTTPClient.nowMs() - begin < 300, "one loop, and the fast request did not wait for the slow one")
            #expect(try slow.readResponse().text == "/slow on loop: true")
        }
    }

    @Test func keptAliveConnectionsAndUploadsWorkAcrossLoops() throws {
        let body = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try withLoopServer(
            loops: 2,
            { request in
                .text("\(request.connectionID) \(request.method) \(request.body.count) \(request.body == body)")
            }
        ) { port in
            let client = try RawHTTPClient(port: port)
            let a = try client.request("POST", "/a", body: body).text
            let b = try client.request("GET", "/b").text
            #expect(a.hasSuffix(" POST 200000 true"))
            #expect(a.split(separator: " ").first == b.split(separator: " ").first, "the same connection")
            // Many connections at once: every one is answered, whichever loop takes it.
            let answers = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 24) { index in
                let text = (try? RawHTTPClient(port: port).request("GET", "/c\(index)").text) ?? "failed"
                answers.withLock { $0.append(text) }
            }
            let all = answers.withLock { $0 }
            #expect(all.count == 24)
            #expect(all.allSatisfy { $0.hasSuffix(" GET 0 false") })
            #expect(Set(all.map { $0.split(separator: " ").first }).count == 24, "24 distinct connections")
        }
    }

    @Test func aStreamedBodyParksUntilItsSequenceHasMore() throws {
        let body = PushedBody()
        try withLoopServer({ _ in ServerResponse(body: .sequence(body.body)) }) { port in
            DispatchQueue.global().async {
                for piece in ["one ", "two ", "three"] {
                    usleep(80_000)
                    body.push(piece)
                }
                usleep(80_000)
                body.end()
            }
            let response = try RawHTTPClient(port: port).request("GET", "/stream")
            #expect(response.text == "one two three")
            #expect(response.complete)
            #expect(response.pieces.count >= 3, "each piece was sent as it came")
            // The loop stayed free while the body was parked.
            #expect(try RawHTTPClient(port: port).request("GET", "/").status == 200)
        }
    }

    @Test func stoppingAnswersWaitingRequestsAndCutsParkedStreams() throws {
        let body = PushedBody()
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(threadModel: .eventLoops(threads: 1)),
            asyncHandler: { request in
                if request.path == "/stream" { return ServerResponse(body: .sequence(body.body)) }
                try? await Task.sleep(for: .seconds(30))
                return .text("late")
            })
        let port = try server.start()
        let waiting = try RawHTTPClient(port: port)
        try waiting.send(Array("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        let streaming = try RawHTTPClient(port: port)
        try streaming.send(Array("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        body.push("A")
        usleep(200_000)
        let begin = RawHTTPClient.nowMs()
        server.stop()
        #expect(RawHTTPClient.nowMs() - begin < 2000, "stop does not wait for the handler's task")
        let answered = try waiting.readResponse()
        #expect(answered.status == 503)
        let cut = try streaming.readResponse()
        #expect(cut.text == "A")
        #expect(!cut.complete)
    }

    @Test func anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws {
        let configuration = HTTPServerConfiguration(threadModel: .eventLoops(threads: 1), idleTimeoutSeconds: 1)
        let server = HTTPServer(configuration: configuration, asyncHandler: { _ in .text("ok") })
        let port = try server.start()
        defer { server.stop() }
        let idle = try RawHTTPClient(port: port)
        #expect(try idle.request("GET", "/").text == "ok")
        let begin = RawHTTPClient.nowMs()
        // The loop wakes for libmicrohttpd's timeout without any I/O, and closes the connection.
        #expect(idle.waitForClose(timeoutMs: 4000))
        #expect(RawHTTPClient.nowMs() - begin >= 500)
        // The server goes on answering new connections.
        #expect(try RawHTTPClient(port: port).request("GET", "/").text == "ok")
    }

    @Test func aPortInUseIsRefusedThoughTheLoopsShareTheirOwn() throws {
        let loops = HTTPServerConfiguration(threadModel: .eventLoops(threads: 2))
        let first = HTTPServer(configuration: loops, asyncHandler: { _ in .text("first") })
        let port = try first.start()
        // SO_REUSEPORT would let a second server of the same user bind it and take half the connections.
        var again = loops
        again.port = port
        let second = HTTPServer(configuration: again, asyncHandler: { _ in .text("second") })
        #expect(throws: HTTPServerError.startFailed("")) { try second.start() }
        #expect(try RawHTTPClient(port: port).request("GET", "/").text == "first")
        // Once the first has stopped, the port is free again.
        first.stop()
        #expect(try second.start() == port)
        #expect(try RawHTTPClient(port: port).request("GET", "/").text == "second")
        second.stop()
    }

    @Test func aClientThatHangsUpCancelsItsWaitingHandler() throws {
        let seen = Mutex<(cancelled: Bool, afterMs: Double)?>(nil)
        try withLoopServer({ _ in
            let start = RawHTTPClient.nowMs()
            try? await Task.sleep(for: .seconds(10))  // an upstream call that takes long
            seen.withLock { $0 = (Task.isCancelled, RawHTTPClient.nowMs() - start) }
            return .text("late")
        }) { port in
            try hangUp(afterSending: "/slow", to: port, afterMs: 100)
            waitUntil { seen.withLock { $0 != nil } }
        }
        let outcome = try #require(seen.withLock { $0 }, "the handler was neither cancelled nor done within 5 s")
        #expect(outcome.cancelled)
        // Looked at after half a second of waiting, then every half second.
        #expect(outcome.afterMs < 2_000, "cancelled after \(outcome.afterMs) ms")
    }

    @Test func aClientStillConnectedGetsItsSlowAnswer() throws {
        try withLoopServer({ _ in
            try? await Task.sleep(for: .milliseconds(1_300))  // past two looks at the client
            return .text(Task.isCancelled ? "cancelled" : "answered")
        }) { port in
            let client = try RawHTTPClient(port: port)
            #expect(try client.request("GET", "/slow").text == "answered")
            // A request pipelined behind a slow one is data on the socket, not a close.
            try client.send(
                Array("GET /a HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
            #expect(try client.readResponse().text == "answered")
            #expect(try client.readResponse().text == "answered")
        }
    }

    @Test func connectionsAreSharedEvenlyAmongTheLoops() throws {
        try withLoopServer(
            loops: 2,
            { _ in
                // Which loop ran the handler, by its identity.
                .text(EventLoop.current.map { "\(ObjectIdentifier($0).hashValue)" } ?? "none")
            }
        ) { port in
            var clients: [(client: RawHTTPClient, loop: String)] = []
            for _ in 0..<32 {
                let client = try RawHTTPClient(port: port)
                clients.append((client, try client.request("GET", "/").text))
            }
            // A kernel hash (SO_REUSEPORT) splits 32 connections 16/16 only one time in five.
            var perLoop = Dictionary(grouping: clients, by: \.loop).mapValues(\.count)
            #expect(perLoop["none"] == nil)
            #expect(perLoop.values.sorted() == [16, 16], "\(perLoop)")
            // Requests on a kept-alive connection stay on its loop.
            for (client, loop) in clients.prefix(4) { #expect(try client.request("GET", "/").text == loop) }

            // The clients of one loop leave: the next connections all go to that loop.
            guard let emptied = perLoop.keys.first else { return }
            clients.removeAll { $0.loop == emptied }  // their sockets close
            perLoop[emptied] = 0
            usleep(300_000)  // for the loop to read the closes (at once: they are idle connections)
            for _ in 0..<8 {
                let client = try RawHTTPClient(port: port)
                clients.append((client, try client.request("GET", "/").text))
            }
            #expect(clients.suffix(8).allSatisfy { $0.loop == emptied }, "\(clients.suffix(8).map(\.loop))")
        }
    }
}

final class QueueExecutorForTest: SerialExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "test")
    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { unowned.runSynchronously(on: executor) }
    }
    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }
}

actor QueueActorForTest {
    private let executor = QueueExecutorForTest()
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    func value() -> Int { 42 }
}

@Suite struct EventLoopHopTests {
    @Test func aHandlerAwaitingAnActorOnAQueueIsAnswered() throws {
        let holder = QueueActorForTest()
        try withLoopServer({ _ in .text("\(await holder.value())") }) { port in
            let answer = try RawHTTPClient(port: port, timeoutSeconds: 3).request("GET", "/")
            #expect(answer.text == "42")
        }
    }
}
