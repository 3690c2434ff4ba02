import Broker
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

/// Hands streamed pieces and the final result from the run's task to the request's task, which
/// writes the SSE body as the server asks for it (see `ResponseBody`): that task waits
/// suspended, holding no thread, and takes everything that arrived meanwhile in one batch.
final class StreamChannel: Sendable {
    /// What has arrived since the last take.
    struct Batch: Sendable {
        var pieces: [StreamPiece]
        var result: Result<RunResult, APIError>?
    }

    private struct State {
        var pieces: [StreamPiece] = []
        var result: Result<RunResult, APIError>?
        /// The task waiting for something to arrive (resumed once: true by the next arrival, false
        /// when ``next()``'s task is cancelled).
        var waiter: UnsafeContinuation<Bool, Never>?
        /// The task iterating the body was cancelled (its client went): ``next()`` waits no more.
        var cancelled = false
    }

    private let state = Mutex(State())

    /// A piece (from the runner's `onDelta` or `onChunk`).
    func push(_ piece: StreamPiece) {
        let waiter = state.withLock { s in
            s.pieces.append(piece)
            return s.waiter.take()
        }
        waiter?.resume(returning: true)
    }

    /// The run is over.
    func finish(_ result: Result<RunResult, APIError>) {
        let waiter = state.withLock { s in
            s.result = result
            return s.waiter.take()
        }
        waiter?.resume(returning: true)
    }

    /// Waits for the run's first output or its result. When the calling task is cancelled
    /// meanwhile (its client hung up), cancels `run` and goes on waiting for what the cancelled
    /// run ends with.
    func first(cancelling run: Task<Void, Never>) async -> Batch {
        await withTaskCancellationHandler {
            while true {
                if let batch = take() { return batch }
                _ = await arrival(untilCancelled: false)
            }
        } onCancel: {
            run.cancel()
        }
    }

    /// Waits for what arrives next (pieces, the result, or both); nil once the calling task is
    /// cancelled (the body's client went, or the server stops).
    func next() async -> Batch? {
        await withTaskCancellationHandler {
            while true {
                if let batch = take() { return batch }
                guard await arrival(untilCancelled: true) else { return nil }
            }
        } onCancel: {
            let waiter = state.withLock { s in
                s.cancelled = true
                return s.waiter.take()
            }
            waiter?.resume(returning: false)
        }
    }

    /// What has arrived, without waiting; nil when nothing has.
    private func take() -> Batch? {
        state.withLock { s in
            guard s.pieces.isEmpty, s.result == nil else {
                defer { s.pieces.removeAll(keepingCapacity: true) }
                return Batch(pieces: s.pieces, result: s.result)
            }
            return nil
        }
    }

    /// Suspends until something arrives, unless it already has. With `untilCancelled`, returns
    /// false instead once ``next()``'s task is cancelled (its wait then ends at once).
    private func arrival(untilCancelled: Bool) async -> Bool {
        let arrived = await withUnsafeContinuation { (waiter: UnsafeContinuation<Bool, Never>) in
            let ready = state.withLock { s -> Bool? in
                if !s.pieces.isEmpty || s.result != nil { return true }
                if s.cancelled { return false }
                s.waiter = waiter
                return nil
            }
            if let ready { waiter.resume(returning: ready) }
        }
        return arrived || !untilCancelled
    }
}
