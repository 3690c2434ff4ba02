import Broker
import Dispatch
import HTTPServer
import Synchronization

/// Hands streamed text and the final result from the run's task to the connection thread
/// that writes the SSE body.
final class StreamChannel: Sendable {
    /// What has arrived since the last take.
    struct Batch: Sendable {
        var pieces: [String]
        var result: Result<RunResult, APIError>?
    }

    private struct State {
        var pieces: [String] = []
        var result: Result<RunResult, APIError>?
    }

    private let state = Mutex(State())
    private let signal = DispatchSemaphore(value: 0)

    /// A piece of text (from the runner's `onDelta`).
    func push(_ piece: String) {
        state.withLock { $0.pieces.append(piece) }
        signal.signal()
    }

    /// The run is over.
    func finish(_ result: Result<RunResult, APIError>) {
        state.withLock { $0.result = result }
        signal.signal()
    }

    /// Blocks until text or the result is there; `nil` when the server is stopping.
    func next(stop: StopSignal) -> Batch? {
        while true {
            let batch = state.withLock { s -> Batch in
                defer { s.pieces.removeAll(keepingCapacity: true) }
                return Batch(pieces: s.pieces, result: s.result)
            }
            if !batch.pieces.isEmpty || batch.result != nil { return batch }
            if stop.isFired { return nil }
            _ = signal.wait(timeout: .now() + .milliseconds(100))
        }
    }
}
