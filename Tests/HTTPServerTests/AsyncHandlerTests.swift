import Dispatch
import HTTPServer
import Platform
import ProviderSimulator
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The async endpoint API, the same on every thread model: the server runs the handler's task,
/// iterates a streamed body's sequence, and cancels the task when the client goes.
@Suite struct AsyncHandlerTests {
    static let models: [HTTPServerConfiguration.ThreadModel] = [
        .threadPerConnection, .pool(threads: 2), .eventLoops(threads: 1),
    ]

    /// Starts a server on `model` with `handler`, runs `body` with its port, stops it.
    func withServer<T>(
        _ model: HTTPServerConfiguration.ThreadModel, blockingThreads: BlockingThreads? = nil,
        _ handler: @escaping @Sendable (ServerRequest) async -> ServerResponse, _ body: (Int) throws -> T
    ) throws -> T {
        var configuration = HTTPServerConfiguration(threadModel: model)
        configuration.blockingThreads = blockingThreads
        let server = HTTPServer(configuration: configuration, asyncHandler: handler)
        let port = try server.start()
        defer { server.stop() }
        return try body(port)
    }

    @Test(arguments: models)
    func anAsyncHandlerThatAwaitsIsAnswered(model: HTTPServerConfiguration.ThreadModel) throws {
        let marked = BlockingThreads()
        try withServer(model, blockingThreads: marked) { request in
            try? await Task.sleep(for: .milliseconds(20))  // an upstream call
            // A connection (or pool) thread runs its request's task itself and is marked free to
            // block; an event loop must never block, and is not.
            return .text("\(request.method) \(request.path) \(marked.isAllowed)", status: 201)
        } _: { port in
            let client = try RawHTTPClient(port: port)
            let first = try client.request("GET", "/a")
            #expect(first.status == 201)
            let marks = model != .eventLoops(threads: 1)
            #expect(first.text == "GET /a \(marks)")
            // The kept-alive connection serves the next request the same way.
            #expect(try client.request("POST", "/b", body: [1, 2]).text == "POST /b \(marks)")
        }
    }

    @Test(arguments: models)
    func aStreamedBodyIsSentAsItsSequenceProducesIt(model: HTTPServerConfiguration.ThreadModel) throws {
        let finished = Mutex(0)
        try withServer(model) { _ in
            let (chunks, feed) = AsyncStream<[UInt8]>.makeStream()
            // The producer runs on a thread of its own: the blocking test clients may hold the
            // cooperative pool.
            DispatchQueue.global().async {
                for piece in ["one ", "", "two ", "three"] {
                    usleep(60_000)
                    feed.yield(Array(piece.utf8))
                }
                feed.finish()
            }
            return ServerResponse(
                headers: [("Content-Type", "text/plain")],
                body: .sequence(ResponseBody(chunks, onFinish: { finished.withLock { $0 += 1 } })))
        } _: { port in
            let client = try RawHTTPClient(port: port)
            let response = try client.request("GET", "/stream")
            #expect(response.text == "one two three")
            #expect(response.complete)
            #expect(response.pieces.count >= 3, "each chunk was sent as it came")
            // The connection is usable after a completed body.
            #expect(try client.request("GET", "/again").complete)
        }
        #expect(finished.withLock { $0 } == 2, "onFinish ran once per body")
    }

    struct UpstreamBroke: Error {}

    @Test(arguments: models)
    func aStreamedBodyWhoseSequenceThrowsMidwayIsCutOff(model: HTTPServerConfiguration.ThreadModel) throws {
        let finished = Mutex(false)
        try withServer(model) { _ in
            let (chunks, feed) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
            DispatchQueue.global().async {
                feed.yield(Array("one ".utf8))
                usleep(50_000)
                feed.yield(Array("two ".utf8))
                usleep(50_000)
                feed.finish(throwing: UpstreamBroke())
            }
            return ServerResponse(body: .sequence(ResponseBody(chunks, onFinish: { finished.withLock { $0 = true } })))
        } _: { port in
            let response = try RawHTTPClient(port: port).request("GET", "/stream")
            #expect(response.status == 200)
            #expect(response.text == "one two ", "what came before the failure was sent")
            #expect(!response.complete, "a broken transfer, not a clean end")
            // The server goes on serving.
            #expect(try RawHTTPClient(port: port).request("GET", "/").status == 200)
        }
        #expect(finished.withLock { $0 })
    }

    @Test(arguments: models)
    func aClientThatHangsUpMidStreamCancelsTheBodysProducer(model: HTTPServerConfiguration.ThreadModel) throws {
        let ended = Mutex<(cancelled: Bool, atMs: Double)?>(nil)
        let finished = Mutex(false)
        var hungUpAt = 0.0
        try withServer(model) { _ in
            let (chunks, feed) = AsyncStream<[UInt8]>.makeStream()
            feed.onTermination = { termination in
                if case .cancelled = termination { ended.withLock { $0 = (true, RawHTTPClient.nowMs()) } }
            }
            // The first chunk, then a producer with nothing more for a long while.
            feed.yield(Array("first".utf8))
            return ServerResponse(body: .sequence(ResponseBody(chunks, onFinish: { finished.withLock { $0 = true } })))
        } _: { port in
            try hangUp(afterSending: "/stream", to: port, afterMs: 200)
            hungUpAt = RawHTTPClient.nowMs()
            waitUntil { ended.withLock { $0 != nil } }
        }
        let outcome = try #require(ended.withLock { $0 }, "the body's producer was not cancelled within 5 s")
        #expect(outcome.cancelled)
        // The client is looked at after half a second of waiting, then every half second.
        #expect(outcome.atMs - hungUpAt < 2_000, "cancelled \(outcome.atMs - hungUpAt) ms after the hang-up")
        #expect(finished.withLock { $0 })
    }

    @Test(arguments: models)
    func aBlockingHandlersSequenceBodyIsSentToo(model: HTTPServerConfiguration.ThreadModel) throws {
        // No handler's task iterates it: the server starts one on the connection's thread model.
        let server = HTTPServer(configuration: HTTPServerConfiguration(threadModel: model)) { _ in
            let (chunks, feed) = AsyncStream<[UInt8]>.makeStream()
            DispatchQueue.global().async {
                for piece in ["a", "b", "c"] {
                    usleep(30_000)
                    feed.yield(Array(piece.utf8))
                }
                feed.finish()
            }
            return ServerResponse(body: .sequence(ResponseBody(chunks)))
        }
        let port = try server.start()
        defer { server.stop() }
        let response = try RawHTTPClient(port: port).request("GET", "/")
        #expect(response.text == "abc")
        #expect(response.complete)
    }

    @Test func stoppingTheServerCancelsABodyWaitingOnAConnectionThread() throws {
        let cancelled = Mutex(false)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(threadModel: .threadPerConnection),
            asyncHandler: { _ in
                let (chunks, feed) = AsyncStream<[UInt8]>.makeStream()
                feed.onTermination = { termination in
                    if case .cancelled = termination { cancelled.withLock { $0 = true } }
                }
                feed.yield(Array("A".utf8))
                return ServerResponse(body: .sequence(ResponseBody(chunks)))
            })
        let port = try server.start()
        let streaming = try RawHTTPClient(port: port)
        try streaming.send(Array("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        usleep(200_000)
        let begin = RawHTTPClient.nowMs()
        server.stop()
        #expect(RawHTTPClient.nowMs() - begin < 2_000, "stop does not wait for the body's producer")
        let cut = try streaming.readResponse()
        #expect(cut.text == "A")
        #expect(!cut.complete)
        #expect(cancelled.withLock { $0 })
    }
}
