import Broker
import HTTPServer
import ProviderInterface
import Synchronization

/// Streams a chat answer as the Responses API's event sequence: the channel plumbing around
/// the wire layer's ``OpenAIResponseStream``, which writes the events. A provider that served
/// `/responses` itself has its events passed on as sent instead. A failure after output has
/// started is an `error` event; the final `response.completed` carries the broker's account.
///
/// The body's async sequence of byte chunks: each one is what arrived on the channel since the
/// last, written when the server's task iterates the body (see `ResponseBody`).
final class ResponsesStreamWriter: AsyncSequence, Sendable {
    private enum Phase { case head, body, done, finished }

    private struct State {
        var phase = Phase.head
        var first: StreamChannel.Batch?
        var events: OpenAIResponseStream
        /// Whether the provider's own events pass through (decided by the first batch).
        var native = false
        /// The provider's final event, held until the run's result gives the broker's account.
        var terminal: OpenAIResponseEvent?
        /// The provider's last `sequence_number`.
        var lastSequence = -1
    }

    private let channel: StreamChannel
    private let state: Mutex<State>

    init(channel: StreamChannel, first: StreamChannel.Batch, response: OpenAIResponse) {
        self.channel = channel
        self.state = Mutex(State(first: first, events: OpenAIResponseStream(response: response)))
    }

    /// Iterates the writer's chunks.
    struct AsyncIterator: AsyncIteratorProtocol {
        let writer: ResponsesStreamWriter
        /// The next chunk of the body, waiting for it; nil at its end. Throws when the waiting
        /// task is cancelled (the client went): the body is then dropped.
        mutating func next() async throws -> [UInt8]? { try await writer.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(writer: self) }

    private func next() async throws -> [UInt8]? {
        let phase = state.withLock { $0.phase }
        switch phase {
        case .head:
            return state.withLock { s in
                var out = JSONOutput(capacity: 2048)
                s.native =
                    s.first?.pieces.contains { if case .event = $0 { return true } else { return false } } ?? false
                if !s.native { s.events.start(to: &out) }
                if let first = s.first {
                    s.first = nil
                    render(first, &s, &out)
                }
                if s.phase == .head { s.phase = .body }
                return out.bytes
            }
        case .body:
            guard let batch = await channel.next() else { throw CancellationError() }
            return state.withLock { s in
                var out = JSONOutput(capacity: 256 * batch.pieces.count + 64)
                render(batch, &s, &out)
                return out.bytes
            }
        case .done:
            state.withLock { $0.phase = .finished }
            return nil
        case .finished:
            return nil
        }
    }

    private func render(_ batch: StreamChannel.Batch, _ s: inout State, _ out: inout JSONOutput) {
        for piece in batch.pieces {
            switch piece {
            case .text(let text): s.events.add(text: text, to: &out)
            case .chunk(let chunk): s.events.add(chunk.completion, to: &out)
            case .event(let event):
                if let n = event.sequenceNumber { s.lastSequence = n }
                if event.isTerminal { s.terminal = event } else { event.writeEvent(to: &out) }
            }
        }
        switch batch.result {
        case nil:
            break
        case .success(let result)? where s.native:
            s.terminal?.writeEvent(to: &out) { out in
                out.key("broker")
                ChatCompletionJSON.writeBrokerInfo(result, to: &out)
            }
            s.phase = .done
        case .failure(let error)? where s.native:
            let wire = error.wire
            var members = JSONObject([
                ("code", wire.code ?? "error"), ("message", .string(wire.message)),
                ("param", wire.param.map(JSONValue.string) ?? .null),
            ])
            for member in wire.extra { members[member.key] = member.value }
            let event = OpenAIResponseEvent(type: "error", sequenceNumber: s.lastSequence + 1, extra: members)
            event.writeEvent(to: &out)
            s.phase = .done
        case .success(let result)?:
            s.events.complete(finishReason: result.response.finishReason, usage: result.response.usage, to: &out) {
                out in
                out.key("broker")
                ChatCompletionJSON.writeBrokerInfo(result, to: &out)
            }
            s.phase = .done
        case .failure(let error)?:
            s.events.fail(error.wire, to: &out)
            s.phase = .done
        }
    }
}
