import Adapters

/// The data of one server-sent event, for transport tests.
struct SSEData: Sendable, Hashable {
    var data: String

    /// Whether this is the `data: [DONE]` terminator of OpenAI-style streams.
    var isDone: Bool { data == "[DONE]" }
}

extension HTTPStreamingResponse {
    /// The body's events as the product reads them (``OpenAIChatSSEParser``), parsed as the
    /// consumer pulls; leaving the loop early stops the transfer.
    func dataEvents() -> AsyncThrowingStream<SSEData, any Error> {
        let source = SSEDataSource(body)
        return AsyncThrowingStream(unfolding: { try await source.next() })
    }
}

/// The state behind ``HTTPStreamingResponse/dataEvents()``: `AsyncThrowingStream(unfolding:)`
/// calls `next()` from one consuming task at a time, hence `@unchecked Sendable`.
private final class SSEDataSource: @unchecked Sendable {
    private var body: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator
    private var parser = OpenAIChatSSEParser()
    private var ready: [String] = []
    private var ended = false

    init(_ body: AsyncThrowingStream<[UInt8], any Error>) {
        self.body = body.makeAsyncIterator()
    }

    func next() async throws -> SSEData? {
        while ready.isEmpty {
            if ended { return nil }
            if let chunk = try await body.next() {
                ready = parser.feed(chunk)
            } else {
                ready = parser.finish()
                ended = true
            }
        }
        return SSEData(data: ready.removeFirst())
    }
}
