import Broker
import HTTPServer
import ProviderInterface
import Synchronization

/// Writes a chat stream as OpenAI's SSE, every chunk through ``JSONOutput``.
///
/// - An OpenAI-shaped provider's chunks pass through as sent (several choices, tool-call
///   deltas, `logprobs`, reasoning, unknown members) with `id` and `model` rewritten and
///   `usage` held back; a last chunk with no choices carries `usage` when asked
///   (`stream_options.include_usage`) and the broker's account.
/// - Another provider's text becomes a role chunk, one chunk per piece, a final chunk with
///   the finish reason and the broker's account, and a usage chunk when asked.
///
/// Then `data: [DONE]`. A failure after output has started is sent as an `error` event
/// before `[DONE]`.
///
/// The body's async sequence of byte chunks: each one is what arrived on the channel since the
/// last, written when the server's task iterates the body (see `ResponseBody`).
final class ChatStreamWriter: AsyncSequence, Sendable {
    private enum Phase { case head, body, done, finished }

    private struct State {
        var phase = Phase.head
        var first: StreamChannel.Batch?
        /// Whether the provider's own chunks were passed through.
        var passedThrough = false
    }

    private let channel: StreamChannel
    private let id: String
    private let model: String
    private let createdSeconds: Int64
    private let includeUsage: Bool
    private let state: Mutex<State>

    init(
        channel: StreamChannel, first: StreamChannel.Batch, id: String, model: String, createdSeconds: Int64,
        includeUsage: Bool
    ) {
        self.channel = channel
        self.id = id
        self.model = model
        self.createdSeconds = createdSeconds
        self.includeUsage = includeUsage
        self.state = Mutex(State(first: first))
    }

    /// Iterates the writer's chunks.
    struct AsyncIterator: AsyncIteratorProtocol {
        let writer: ChatStreamWriter
        /// The next chunk of the body, waiting for it; nil at its end. Throws when the waiting
        /// task is cancelled (the client went): the body is then dropped.
        mutating func next() async throws -> [UInt8]? { try await writer.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(writer: self) }

    private func next() async throws -> [UInt8]? {
        let (phase, first) = state.withLock { s -> (Phase, StreamChannel.Batch?) in
            defer { s.first = nil }
            return (s.phase, s.first)
        }
        switch phase {
        case .head:
            var out = JSONOutput(capacity: 1024)
            if case .chunk? = first?.pieces.first {
            } else {
                event(textChunk(OpenAIMessage(role: "assistant", content: .string("")), finish: nil), into: &out)
            }
            if let first { render(first, into: &out) }
            return out.bytes
        case .body:
            guard let batch = await channel.next() else { throw CancellationError() }
            var out = JSONOutput(capacity: 256 * batch.pieces.count + 64)
            render(batch, into: &out)
            return out.bytes
        case .done:
            state.withLock { $0.phase = .finished }
            return nil
        case .finished:
            return nil
        }
    }

    /// The events for a batch; moves to `.done` when the batch carries the result.
    private func render(_ batch: StreamChannel.Batch, into out: inout JSONOutput) {
        var sawChunk = false
        for piece in batch.pieces {
            switch piece {
            case .text(let text) where !text.isEmpty:
                event(textChunk(OpenAIMessage(content: .string(text)), finish: nil), into: &out)
            case .text:
                break
            case .chunk(let chunk):
                sawChunk = true
                // A chunk that only carried usage has nothing left to say: usage comes last.
                if chunk.carriesOnlyUsage { continue }
                out.appendFraming("data: ".utf8)
                chunk.write(to: &out, id: id, model: model, createdSeconds: createdSeconds)
                out.appendFraming("\n\n".utf8)
            case .event:
                break  // a Responses API event: chat requests never go to /responses
            }
        }
        if sawChunk { state.withLock { $0.passedThrough = true } }
        switch batch.result {
        case nil:
            state.withLock { $0.phase = .body }
        case .success(let result)?:
            let usage =
                result.response.completion?.usage
                ?? OpenAIUsage(result.response.usage ?? TokenUsage(inputTokens: 0, outputTokens: 0))
            let brokerMember = { (out: inout JSONOutput) in
                out.key("broker")
                ChatCompletionJSON.writeBrokerInfo(result, to: &out)
            }
            if state.withLock({ $0.passedThrough }) {
                var last = OpenAICompletion(id: id, created: createdSeconds, model: model, isChunk: true)
                if includeUsage { last.usage = usage }
                event(last, into: &out, members: brokerMember)
            } else {
                event(
                    textChunk(OpenAIMessage(), finish: result.response.finishReason ?? "stop"), into: &out,
                    members: brokerMember)
                if includeUsage {
                    var last = OpenAICompletion(id: id, created: createdSeconds, model: model, isChunk: true)
                    last.usage = usage
                    event(last, into: &out)
                }
            }
            out.appendFraming("data: [DONE]\n\n".utf8)
            state.withLock { $0.phase = .done }
        case .failure(let error)?:
            out.appendFraming("data: ".utf8)
            error.wire.write(to: &out)
            out.appendFraming("\n\ndata: [DONE]\n\n".utf8)
            state.withLock { $0.phase = .done }
        }
    }

    /// A one-choice chunk of the broker's own (a provider that is not OpenAI-shaped).
    private func textChunk(_ delta: OpenAIMessage, finish: String?) -> OpenAICompletion {
        OpenAICompletion(
            id: id, created: createdSeconds, model: model,
            choices: [OpenAIChoice(index: 0, message: delta, logprobs: .null, finishReason: finish)], isChunk: true)
    }

    /// `data: {chunk}` and the blank line, written straight to bytes.
    private func event(
        _ chunk: OpenAICompletion, into out: inout JSONOutput, members: (inout JSONOutput) -> Void = { _ in }
    ) {
        out.appendFraming("data: ".utf8)
        chunk.write(to: &out, members: members)
        out.appendFraming("\n\n".utf8)
    }
}
