/// A streamed body: one async sequence of byte chunks, sent as they come.
///
/// The server iterates the sequence in the request's own task, on the connection's thread
/// model (an event loop's executor, or the connection thread that waits for the task), and
/// sends each chunk as soon as the connection can take it (chunks produced while it could not
/// go out together; an empty chunk is skipped). The body ends cleanly when the sequence ends;
/// when it throws, the connection is dropped without completing the body, so the client sees a
/// broken transfer rather than a clean end.
///
/// When the client goes away mid-body, or the server stops, the task iterating the sequence is
/// cancelled: a sequence whose `next()` honours cancellation stops its producer then.
///
/// ```swift
/// let (chunks, feed) = AsyncStream<[UInt8]>.makeStream()
/// // … feed.yield(bytes) from the producer, feed.finish() at the end
/// return ServerResponse(body: .sequence(ResponseBody(chunks)))
/// ```
public struct ResponseBody: Sendable {
    /// The declared body length (`Content-Length`); `nil` sends the body chunked.
    public var contentLength: Int?
    /// Called once when the server is done with the body: after the sequence ended or threw, or
    /// when the client went away or the server stopped first (so a producer can release what it
    /// holds), or when the response is never sent.
    public var onFinish: (@Sendable () -> Void)?
    /// Iterates the sequence into the server's hand-off.
    let iterate: @Sendable (BodyPump) async -> Void

    /// A body of `chunks`, sent as they come.
    public init<Chunks: AsyncSequence & Sendable>(
        _ chunks: Chunks, contentLength: Int? = nil, onFinish: (@Sendable () -> Void)? = nil
    ) where Chunks.Element == [UInt8] {
        self.contentLength = contentLength
        self.onFinish = onFinish
        iterate = { pump in
            var iterator = chunks.makeAsyncIterator()
            do {
                while let chunk = try await iterator.next() {
                    guard await pump.deliver(chunk) else { return }
                }
                pump.finish(clean: true)
            } catch {
                pump.finish(clean: false)
            }
        }
    }
}
