extension HTTPStreamingResponse {
    /// The body as server-sent events (see ``SSEParser``), in order.
    ///
    /// The stream ends after the `[DONE]` event (which it yields, so a caller can tell a
    /// complete answer from a cut one) or when the body ends; a transport failure
    /// (``TransportError/Code/connectionBroken``, a timeout) is thrown from it. Dropping or
    /// cancelling it stops the transfer.
    public func serverSentEvents() -> AsyncThrowingStream<SSEEvent, any Error> {
        SSEParser.events(from: body)
    }
}

extension SSEParser {
    /// Turns a byte stream into an event stream, parsed lazily as the consumer pulls.
    public static func events(from body: AsyncThrowingStream<[UInt8], any Error>) -> AsyncThrowingStream<SSEEvent, any Error> {
        let source = SSEEventSource(body)
        return AsyncThrowingStream(unfolding: { try await source.next() })
    }
}

/// The state behind ``SSEParser/events(from:)``. `AsyncThrowingStream(unfolding:)` calls
/// `next()` from the consuming task one call at a time, never concurrently — hence
/// `@unchecked Sendable`.
private final class SSEEventSource: @unchecked Sendable {
    private var body: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator
    private var parser = SSEParser()
    private var ready: [SSEEvent] = []
    private var readyIndex = 0
    private var ended = false

    init(_ body: AsyncThrowingStream<[UInt8], any Error>) {
        self.body = body.makeAsyncIterator()
    }

    func next() async throws -> SSEEvent? {
        while true {
            if readyIndex < ready.count {
                defer { readyIndex += 1 }
                return ready[readyIndex]
            }
            if ended || parser.isDone { return nil }
            readyIndex = 0
            if let chunk = try await body.next() {
                ready = parser.feed(chunk)
            } else {
                ready = parser.finish()
                ended = true
            }
        }
    }
}
