import Synchronization

/// One step of a streamed body.
public enum StreamEvent: Sendable {
    /// Bytes to send now (an empty array asks again at once).
    case data([UInt8])
    /// The body is complete: the chunked terminator is sent and the connection stays usable.
    case end
    /// Drop the connection without completing the body, so the client sees a broken transfer
    /// (no chunked terminator, or fewer bytes than the declared length) rather than a clean end.
    case abort
}

/// A body produced on demand by a blocking producer, on the connection's thread: the streamed
/// body of a blocking handler (``HTTPServer/init(configuration:handler:)``). An async handler
/// streams a ``ResponseBody`` instead.
///
/// The server calls ``next`` whenever it has sent what the previous call returned, so each piece
/// reaches the client as soon as it is produced (no batching). With the thread-per-connection
/// and pool models ``next`` may block, e.g. to wait between chunks; waits should go through the
/// given ``StopSignal`` so the server can stop promptly. On event loops it must not block.
public struct ResponseStream: Sendable {
    /// The declared body length (`Content-Length`); `nil` sends the body chunked.
    public var contentLength: Int?
    /// Produces the next piece; called repeatedly until it returns ``StreamEvent/end`` or ``StreamEvent/abort``.
    public var next: @Sendable (StopSignal) -> StreamEvent
    /// Called once when the server is done with the body: after ``StreamEvent/end`` or
    /// ``StreamEvent/abort``, or when the client went away mid-body (so a producer can cancel
    /// its upstream work and release what it holds) — also while ``next`` waits for a producer
    /// with nothing to send, which may then be asked once more.
    public var onFinish: (@Sendable () -> Void)?

    /// A stream from a producer.
    public init(
        contentLength: Int? = nil, onFinish: (@Sendable () -> Void)? = nil,
        next: @escaping @Sendable (StopSignal) -> StreamEvent
    ) {
        self.contentLength = contentLength
        self.onFinish = onFinish
        self.next = next
    }

    /// How a ``chunks(_:delayMs:initialDelayMs:ending:contentLength:)`` stream finishes.
    public enum Ending: Sendable, Hashable {
        /// Complete the body normally.
        case end
        /// Drop the connection after the last chunk (see ``StreamEvent/abort``).
        case abort
    }

    /// A stream that sends `chunks` in order, waiting `initialDelayMs` before the first and
    /// `delayMs` between consecutive ones, then finishes as `ending` says.
    public static func chunks(
        _ chunks: [[UInt8]], delayMs: Int = 0, initialDelayMs: Int = 0, ending: Ending = .end,
        contentLength: Int? = nil
    ) -> ResponseStream {
        let cursor = ChunkCursor()
        return ResponseStream(contentLength: contentLength) { stop in
            let index = cursor.advance()
            guard index < chunks.count else { return ending == .end ? .end : .abort }
            let delay = index == 0 ? initialDelayMs : delayMs
            if delay > 0, !stop.sleep(milliseconds: delay) { return .abort }
            return .data(chunks[index])
        }
    }
}

/// The position of a ``ResponseStream/chunks(_:delayMs:initialDelayMs:ending:contentLength:)`` stream.
private final class ChunkCursor: Sendable {
    private let position = Atomic<Int>(0)

    /// The current index, then moves on by one.
    func advance() -> Int { position.add(1, ordering: .relaxed).oldValue }
}
