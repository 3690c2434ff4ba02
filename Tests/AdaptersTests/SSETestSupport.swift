import Adapters

/// The data of one server-sent event, for transport tests.
struct SSEData: Sendable, Hashable {
    var data: String

    /// Whether this is the `data: [DONE]` terminator of OpenAI-style streams.
    var isDone: Bool { data == "[DONE]" }
}

extension HTTPStreamingResponse {
    /// The body's events as the product reads them (``OpenAIChatSSEParser``), in order;
    /// leaving the loop early cancels the transfer.
    func dataEvents() -> AsyncThrowingStream<SSEData, any Error> {
        let body = self.body
        return AsyncThrowingStream { continuation in
            let task = Task {
                var parser = OpenAIChatSSEParser()
                do {
                    for try await bytes in body {
                        for data in parser.feed(bytes) { continuation.yield(SSEData(data: data)) }
                    }
                    for data in parser.finish() { continuation.yield(SSEData(data: data)) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
