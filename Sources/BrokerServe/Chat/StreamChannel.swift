import Broker
import Dispatch
import ProviderInterface
import HTTPServer
import Synchronization

/// One streamed piece: a provider's chunk as sent (OpenAI-shaped providers), or text.
enum StreamPiece: Sendable {
    /// Text from a provider that is not OpenAI-shaped.
    case text(String)
    /// A chunk as the provider sent it.
    case chunk(OpenAIStreamChunk)
    /// A Responses API event as the provider sent it (a `/responses` pass-through).
    case event(OpenAIResponseEvent)
}

/// Hands streamed pieces and the final result from the run's task to what writes the SSE body:
/// a connection thread that blocks (``next(stop:)``), or an event loop that polls and is woken
/// (``poll(wake:)``).
final class StreamChannel: Sendable {
    /// What has arrived since the last take.
    struct Batch: Sendable {
        var pieces: [StreamPiece]
        var result: Result<RunResult, APIError>?
    }

    private struct State {
        var pieces: [StreamPiece] = []
        var result: Result<RunResult, APIError>?
        /// Called (once) when something arrives; set by ``poll(wake:)``.
        var waker: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())
    private let signal = DispatchSemaphore(value: 0)

    /// A piece (from the runner's `onDelta` or `onChunk`).
    func push(_ piece: StreamPiece) {
        let waker = state.withLock { s in
            s.pieces.append(piece)
            return s.waker.take()
        }
        signal.signal()
        waker?()
    }

    /// The run is over.
    func finish(_ result: Result<RunResult, APIError>) {
        let waker = state.withLock { s in
            s.result = result
            return s.waker.take()
        }
        signal.signal()
        waker?()
    }

    /// What has arrived, without waiting; when nothing has, nil, and `wake` is called once
    /// something does.
    func poll(wake: @escaping @Sendable () -> Void) -> Batch? {
        state.withLock { s in
            guard s.pieces.isEmpty, s.result == nil else {
                defer { s.pieces.removeAll(keepingCapacity: true) }
                return Batch(pieces: s.pieces, result: s.result)
            }
            s.waker = wake
            return nil
        }
    }

    /// Suspends the calling task until text or the result is there.
    func first() async -> Batch {
        while true {
            let batch: Batch? = await withCheckedContinuation { continuation in
                if let ready = poll(wake: { continuation.resume(returning: nil) }) {
                    continuation.resume(returning: ready)
                }
            }
            if let batch { return batch }
        }
    }

    /// Blocks until text or the result is there; `nil` when the server is stopping. When the
    /// calling task is cancelled meanwhile (its client hung up), calls `onCancel` once and goes
    /// on waiting for what the cancelled run ends with.
    func next(stop: StopSignal, onCancel: () -> Void = {}) -> Batch? {
        var cancelled = false
        while true {
            let batch = state.withLock { s -> Batch in
                defer { s.pieces.removeAll(keepingCapacity: true) }
                return Batch(pieces: s.pieces, result: s.result)
            }
            if !batch.pieces.isEmpty || batch.result != nil { return batch }
            if stop.isFired { return nil }
            if !cancelled, Task.isCancelled {
                cancelled = true
                onCancel()
            }
            _ = signal.wait(timeout: .now() + .milliseconds(100))
        }
    }
}
