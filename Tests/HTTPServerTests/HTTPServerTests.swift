import Dispatch
import HTTPServer
import ProviderSimulator
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a server with `handler`, runs `body` with its port, stops it.
func withServer<T>(
    _ configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
    handler: @escaping @Sendable (ServerRequest) -> ServerResponse,
    _ body: (Int) throws -> T
) throws -> T {
    let server = HTTPServer(configuration: configuration, handler: handler)
    let port = try server.start()
    defer { server.stop() }
    return try body(port)
}

/// The requests a handler saw.
final class Seen: Sendable {
    private let requests = Mutex<[ServerRequest]>([])
    func add(_ request: ServerRequest) { requests.withLock { $0.append(request) } }
    var all: [ServerRequest] { requests.withLock { $0 } }
}

@Suite struct HTTPServerTests {
    @Test func answersWithStatusHeadersAndBodyAndSeesTheRequestAsSent() throws {
        let seen = Seen()
        try withServer(handler: { request in
            seen.add(request)
            return ServerResponse(
                status: 201, headers: [("X-Test", "yes"), ("Content-Type", "text/plain")], bytes: Array("hi there".utf8)
            )
        }) { port in
            let client = try RawHTTPClient(port: port)
            let response = try client.request(
                "GET", "/api/models?search=llama%203&expand[]=a&expand[]=b", headers: [("X-Custom", "v1")])
            #expect(response.status == 201)
            #expect(response.header("x-test") == "yes")
            #expect(response.header("Content-Length") == "8")
            #expect(response.text == "hi there")
        }
        let request = try #require(seen.all.first)
        #expect(request.method == "GET")
        #expect(request.path == "/api/models")
        #expect(request.query == "search=llama%203&expand[]=a&expand[]=b")
        #expect(request.header("x-custom") == "v1")
        #expect(request.header("HOST") == "127.0.0.1")
        #expect(request.queryItems.map(\.name) == ["search", "expand[]", "expand[]"])
        #expect(request.queryItems.map(\.value) == ["llama 3", "a", "b"])
    }

    @Test func collectsALargeUploadBodyAcrossCalls() throws {
        let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let seen = Seen()
        try withServer(handler: { request in
            seen.add(request)
            return .text("\(request.body.count)")
        }) { port in
            let client = try RawHTTPClient(port: port)
            let response = try client.request(
                "POST", "/upload", headers: [("Content-Type", "application/octet-stream")], body: body)
            #expect(response.status == 200)
            #expect(response.text == "300000")
        }
        #expect(seen.all.first?.body == body)
    }

    @Test func keptAliveRequestsShareAConnectionIDAndNewConnectionsGetNewOnes() throws {
        try withServer(handler: { request in .text("\(request.connectionID)") }) { port in
            let first = try RawHTTPClient(port: port)
            let a = try first.request("GET", "/one").text
            let b = try first.request("POST", "/two", body: Array("x".utf8)).text
            let c = try first.request("GET", "/three").text
            let second = try RawHTTPClient(port: port)
            let d = try second.request("GET", "/one").text
            #expect(a == b)
            #expect(b == c)
            #expect(a != d)
            #expect(Int(a) ?? 0 > 0)
        }
    }

    @Test func connectionCloseHeaderClosesTheConnectionAfterTheResponse() throws {
        try withServer(handler: { _ in ServerResponse(headers: [("Connection", "close")], bytes: Array("bye".utf8)) }) {
            port in
            let client = try RawHTTPClient(port: port)
            #expect(try client.request("GET", "/").text == "bye")
            #expect(client.waitForClose())
        }
    }

    @Test func streamsChunksInOrderAsTheyAreProduced() throws {
        let pieces = ["data: one\n\n", "data: two\n\n", "data: three\n\n"].map { Array($0.utf8) }
        try withServer(handler: { _ in
            ServerResponse(
                headers: [("Content-Type", "text/event-stream")], body: .stream(.chunks(pieces, delayMs: 60)))
        }) { port in
            let client = try RawHTTPClient(port: port)
            let response = try client.request("GET", "/stream")
            #expect(response.complete)
            #expect(response.header("Transfer-Encoding") == "chunked")
            #expect(response.text == "data: one\n\ndata: two\n\ndata: three\n\n")
            // The first event is flushed at once, not held until the delayed ones are ready.
            let first = try #require(response.pieces.first)
            let last = try #require(response.pieces.last)
            #expect(first.atMs < 50)
            #expect(last.atMs >= 110)
            // The connection is still usable after a completed stream.
            #expect(try client.request("GET", "/stream").complete)
        }
    }

    @Test func abortMidChunkedBodyDropsTheConnectionWithoutTheTerminator() throws {
        try withServer(handler: { _ in
            ServerResponse(body: .stream(.chunks([Array("partial".utf8)], ending: .abort)))
        }) { port in
            let client = try RawHTTPClient(port: port)
            let response = try client.request("GET", "/reset")
            #expect(response.status == 200)
            #expect(response.text == "partial")
            #expect(!response.complete)
            #expect(client.closedByPeer)
        }
    }

    @Test func abortBeforeTheDeclaredLengthLeavesTheBodyShort() throws {
        try withServer(handler: { _ in
            ServerResponse(body: .stream(.chunks([Array("0123456789".utf8)], ending: .abort, contentLength: 100)))
        }) { port in
            let client = try RawHTTPClient(port: port)
            let response = try client.request("GET", "/short")
            #expect(response.header("Content-Length") == "100")
            #expect(response.text == "0123456789")
            #expect(!response.complete)
        }
    }

    @Test func streamsBodiesLargerThanTheBlockSize() throws {
        let big = (0..<200_000).map { UInt8(truncatingIfNeeded: $0) }
        let config = HTTPServerConfiguration(streamBlockSize: 4096)
        try withServer(config, handler: { _ in ServerResponse(body: .stream(.chunks([big, [1, 2, 3]]))) }) { port in
            let client = try RawHTTPClient(port: port)
            let response = try client.request("GET", "/big")
            #expect(response.complete)
            #expect(response.body == big + [1, 2, 3])
        }
    }

    @Test func rejectsABodyOverTheLimitWith413() throws {
        let config = HTTPServerConfiguration(maxRequestBodyBytes: 1000)
        try withServer(config, handler: { _ in .text("ok") }) { port in
            let client = try RawHTTPClient(port: port)
            let response = try client.request("POST", "/upload", body: [UInt8](repeating: 7, count: 5000))
            #expect(response.status == 413)
            let fine = try RawHTTPClient(port: port)
            #expect(try fine.request("POST", "/upload", body: [UInt8](repeating: 7, count: 1000)).text == "ok")
        }
    }

    @Test func stopEndsWaitingStreamsPromptly() throws {
        let server = HTTPServer { _ in ServerResponse(body: .stream(.chunks([[65], [66]], delayMs: 30_000))) }
        let port = try server.start()
        let client = try RawHTTPClient(port: port)
        try client.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) { server.stop() }
        let begin = RawHTTPClient.nowMs()
        let response = try client.readResponse()  // ends when the stop drops the connection
        #expect(RawHTTPClient.nowMs() - begin < 3000)
        #expect(response.text == "A")
        #expect(!response.complete)
    }

    @Test func poolThreadModelServesKeptAliveRequests() throws {
        let config = HTTPServerConfiguration(threadModel: .pool(threads: 2))
        try withServer(config, handler: { request in .text("\(request.connectionID) \(request.path)") }) { port in
            let client = try RawHTTPClient(port: port)
            let a = try client.request("GET", "/a").text
            let b = try client.request("GET", "/b").text
            #expect(a.hasSuffix(" /a"))
            #expect(a.split(separator: " ").first == b.split(separator: " ").first)
        }
    }

    @Test func poolThreadModelStreamsAndAborts() throws {
        let config = HTTPServerConfiguration(threadModel: .pool(threads: 2))
        try withServer(
            config,
            handler: { request in
                ServerResponse(
                    body: .stream(
                        .chunks([[65], [66], [67]], delayMs: 5, ending: request.path == "/abort" ? .abort : .end)))
            }
        ) { port in
            let client = try RawHTTPClient(port: port)
            let whole = try client.request("GET", "/ok")
            #expect(whole.text == "ABC")
            #expect(whole.complete)
            let cut = try client.request("GET", "/abort")
            #expect(cut.text == "ABC")
            #expect(!cut.complete)
        }
    }

    @Test func startRejectsABadHostAndADoubleStart() throws {
        let bad = HTTPServer(configuration: HTTPServerConfiguration(host: "not-an-ip")) { _ in .text("") }
        #expect(throws: HTTPServerError.invalidAddress("")) { try bad.start() }
        let server = HTTPServer { _ in .text("") }
        let port = try server.start()
        defer { server.stop() }
        #expect(port > 0)
        #expect(server.port == port)
        #expect(throws: HTTPServerError.alreadyRunning("")) { try server.start() }
        let taken = HTTPServer(configuration: HTTPServerConfiguration(port: port)) { _ in .text("") }
        #expect(throws: HTTPServerError.startFailed("")) { try taken.start() }
    }

    @Test func servesIPv6Loopback() throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "::1")) { _ in .text("v6") }
        do { try server.start() } catch { return }  // no IPv6 on this host: nothing to test
        server.stop()
    }

    @Test func queryStringDecodesPercentPlusAndBareNames() {
        let items = QueryString.items("a=1&b=x+y%2Fz&flag&c=%E2%82%AC&bad=%zz")
        #expect(items.map(\.name) == ["a", "b", "flag", "c", "bad"])
        #expect(items.map(\.value) == ["1", "x y/z", "", "€", "%zz"])
        #expect(QueryString.encode("a b/€") == "a%20b%2F%E2%82%AC")
    }
}
