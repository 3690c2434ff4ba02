import Broker
import HTTPServer
import ProviderInterface
import Synchronization

/// Writes a chat stream as OpenAI's SSE: a role chunk, one chunk per piece of text, a final
/// chunk with the finish reason (and the broker's account), a usage chunk when asked
/// (`stream_options.include_usage`), then `data: [DONE]`. A failure after output has
/// started is sent as an `error` event before `[DONE]`.
final class ChatStreamWriter: Sendable {
    private enum Phase { case head, body, done, finished }

    private struct State {
        var phase = Phase.head
        var first: StreamChannel.Batch?
    }

    private let channel: StreamChannel
    private let id: String
    private let model: String
    private let createdSeconds: Int64
    private let includeUsage: Bool
    private let state: Mutex<State>

    init(channel: StreamChannel, first: StreamChannel.Batch, id: String, model: String, createdSeconds: Int64, includeUsage: Bool) {
        self.channel = channel
        self.id = id
        self.model = model
        self.createdSeconds = createdSeconds
        self.includeUsage = includeUsage
        self.state = Mutex(State(first: first))
    }

    /// The next piece of the body, waiting for it (called on the connection thread).
    func next(_ stop: StopSignal) -> StreamEvent {
        step { channel.next(stop: stop).map(Take.batch) ?? .stopped } ?? .abort
    }

    /// The next piece of the body if it is ready; otherwise nil, and `wake` is called when it may
    /// be (called on an event loop).
    func poll(_ wake: @escaping @Sendable () -> Void) -> StreamEvent? {
        step { channel.poll(wake: wake).map(Take.batch) ?? .notYet }
    }

    /// What a wait on the channel gave.
    private enum Take {
        case batch(StreamChannel.Batch)
        case notYet
        case stopped
    }

    private func step(_ take: () -> Take) -> StreamEvent? {
        let (phase, first) = state.withLock { s -> (Phase, StreamChannel.Batch?) in
            defer { s.first = nil }
            return (s.phase, s.first)
        }
        switch phase {
        case .head:
            var out = event(chunk(delta: JSONObject([("role", .string("assistant")), ("content", .string(""))]), finish: nil))
            if let first { out += render(first) }
            return .data(out)
        case .body:
            switch take() {
            case .batch(let batch): return .data(render(batch))
            case .notYet: return nil
            case .stopped: return .abort
            }
        case .done:
            state.withLock { $0.phase = .finished }
            return .end
        case .finished:
            return .end
        }
    }

    /// The events for a batch; moves to `.done` when the batch carries the result.
    private func render(_ batch: StreamChannel.Batch) -> [UInt8] {
        var out: [UInt8] = []
        for piece in batch.pieces where !piece.isEmpty {
            out += event(chunk(delta: JSONObject([("content", .string(piece))]), finish: nil))
        }
        switch batch.result {
        case nil:
            state.withLock { $0.phase = .body }
        case .success(let result)?:
            out += event(ChatCompletionJSON.chunk(
                id: id, model: model, createdSeconds: createdSeconds, delta: JSONObject(),
                finishReason: result.response.finishReason ?? "stop", broker: ChatCompletionJSON.brokerInfo(result)))
            if includeUsage {
                out += event(ChatCompletionJSON.chunk(
                    id: id, model: model, createdSeconds: createdSeconds, delta: nil, finishReason: nil,
                    usage: result.response.usage ?? TokenUsage(inputTokens: 0, outputTokens: 0)))
            }
            out += Array("data: [DONE]\n\n".utf8)
            state.withLock { $0.phase = .done }
        case .failure(let error)?:
            out += event(error.json)
            out += Array("data: [DONE]\n\n".utf8)
            state.withLock { $0.phase = .done }
        }
        return out
    }

    private func chunk(delta: JSONObject, finish: String?) -> JSONValue {
        ChatCompletionJSON.chunk(id: id, model: model, createdSeconds: createdSeconds, delta: delta, finishReason: finish)
    }

    private func event(_ value: JSONValue) -> [UInt8] {
        var out = Array("data: ".utf8)
        JSONWriter.write(value, into: &out)
        out += [10, 10]
        return out
    }
}
