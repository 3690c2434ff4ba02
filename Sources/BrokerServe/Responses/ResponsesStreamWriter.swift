import Broker
import HTTPServer
import ProviderInterface
import Synchronization

/// Writes a streamed chat answer as the Responses API's event sequence:
/// `response.created`, `response.in_progress`; per item `response.output_item.added`, then for
/// text `response.content_part.added` and `response.output_text.delta`s, for a function call
/// `response.function_call_arguments.delta`s; at the end each item's `…done` events and
/// `response.output_item.done`, then `response.completed` with usage and the broker's account.
/// Each event is `event: TYPE` and `data: {…,"type","sequence_number"}`. A failure after
/// output has started is an `error` event.
///
/// See <https://platform.openai.com/docs/api-reference/responses-streaming>.
final class ResponsesStreamWriter: Sendable {
    private enum Phase { case head, body, done, finished }

    private struct State {
        var phase = Phase.head
        var first: StreamChannel.Batch?
        var output: OpenAIResponse
        var sequence = 0
        /// The index in `output.items` of the message being written.
        var message: Int?
        /// Tool-call stream index → index in `output.items`.
        var calls: [Int: Int] = [:]
    }

    private let channel: StreamChannel
    private let echo: JSONObject
    private let state: Mutex<State>

    init(channel: StreamChannel, first: StreamChannel.Batch, output: OpenAIResponse, echo: JSONObject) {
        self.channel = channel
        self.echo = echo
        self.state = Mutex(State(first: first, output: output))
    }

    /// The next piece of the body, waiting for it (called on the connection thread).
    func next(_ stop: StopSignal) -> StreamEvent {
        step { channel.next(stop: stop).map(Take.batch) ?? .stopped } ?? .abort
    }

    /// The next piece of the body if it is ready; otherwise nil, and `wake` is called when it may be.
    func poll(_ wake: @escaping @Sendable () -> Void) -> StreamEvent? {
        step { channel.poll(wake: wake).map(Take.batch) ?? .notYet }
    }

    private enum Take {
        case batch(StreamChannel.Batch)
        case notYet
        case stopped
    }

    private func step(_ take: () -> Take) -> StreamEvent? {
        let phase = state.withLock { $0.phase }
        switch phase {
        case .head:
            return .data(
                state.withLock { s in
                    var out = JSONOutput(capacity: 2048)
                    let echo = self.echo
                    let output = s.output
                    Self.event("response.created", &s.sequence, &out) { out in
                        out.key("response")
                        output.write(to: &out, done: false, echo: echo)
                    }
                    Self.event("response.in_progress", &s.sequence, &out) { out in
                        out.key("response")
                        output.write(to: &out, done: false, echo: echo)
                    }
                    if let first = s.first {
                        s.first = nil
                        render(first, &s, &out)
                    }
                    if s.phase == .head { s.phase = .body }
                    return out.bytes
                })
        case .body:
            switch take() {
            case .batch(let batch):
                return .data(
                    state.withLock { s in
                        var out = JSONOutput(capacity: 256 * batch.pieces.count + 64)
                        render(batch, &s, &out)
                        return out.bytes
                    })
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

    private func render(_ batch: StreamChannel.Batch, _ s: inout State, _ out: inout JSONOutput) {
        for piece in batch.pieces {
            switch piece {
            case .text(let text): appendText(text, &s, &out)
            case .chunk(let chunk):
                guard let choice = chunk.choices.first(where: { $0.index == 0 }), let delta = choice.message else {
                    continue
                }
                appendText(delta.text, &s, &out)
                for call in delta.toolCalls ?? [] { appendCall(call, &s, &out) }
                if let reason = choice.finishReason { s.output.finishReason = reason }
            }
        }
        switch batch.result {
        case nil:
            break
        case .success(let result)?:
            if s.output.finishReason == nil { s.output.finishReason = result.response.finishReason }
            s.output.usage = result.response.usage
            finish(&s, &out)
            let echo = self.echo
            let output = s.output
            Self.event("response.completed", &s.sequence, &out) { out in
                out.key("response")
                output.write(to: &out, done: true, echo: echo) { out in
                    out.key("broker")
                    ChatCompletionJSON.writeBrokerInfo(result, to: &out)
                }
            }
            s.phase = .done
        case .failure(let error)?:
            Self.event("error", &s.sequence, &out) { out in
                out.member("code", error.code ?? "error")
                out.member("message", error.message)
                out.key("param")
                out.null()
            }
            s.phase = .done
        }
    }

    private func appendText(_ text: String, _ s: inout State, _ out: inout JSONOutput) {
        guard !text.isEmpty else { return }
        let index: Int
        if let open = s.message {
            index = open
        } else {
            index = s.output.items.count
            s.message = index
            let item = OpenAIResponse.Item(id: "msg_" + s.output.id.dropFirst(5), kind: .message(text: ""))
            s.output.items.append(item)
            Self.event("response.output_item.added", &s.sequence, &out) { out in
                out.member("output_index", integer: Int64(index))
                out.key("item")
                OpenAIResponse.write(item, done: false, to: &out)
            }
            Self.event("response.content_part.added", &s.sequence, &out) { out in
                out.member("item_id", item.id)
                out.member("output_index", integer: Int64(index))
                out.member("content_index", integer: 0)
                out.key("part")
                OpenAIResponse.writeTextPart("", to: &out)
            }
        }
        if case .message(let earlier) = s.output.items[index].kind {
            s.output.items[index].kind = .message(text: earlier + text)
        }
        let itemID = s.output.items[index].id
        Self.event("response.output_text.delta", &s.sequence, &out) { out in
            out.member("item_id", itemID)
            out.member("output_index", integer: Int64(index))
            out.member("content_index", integer: 0)
            out.member("delta", text)
            out.key("logprobs")
            out.beginArray()
            out.endArray()
        }
    }

    private func appendCall(_ piece: OpenAIToolCall, _ s: inout State, _ out: inout JSONOutput) {
        let streamIndex = piece.index ?? 0
        let index: Int
        if let known = s.calls[streamIndex] {
            index = known
        } else {
            index = s.output.items.count
            s.calls[streamIndex] = index
            let item = OpenAIResponse.Item(
                id: "fc_\(streamIndex)_" + s.output.id.dropFirst(5),
                kind: .functionCall(callID: piece.id ?? "call_\(streamIndex)", name: piece.name ?? "", arguments: ""))
            s.output.items.append(item)
            Self.event("response.output_item.added", &s.sequence, &out) { out in
                out.member("output_index", integer: Int64(index))
                out.key("item")
                OpenAIResponse.write(item, done: false, to: &out)
            }
        }
        guard let fragment = piece.arguments, !fragment.isEmpty,
            case .functionCall(let callID, let name, let arguments) = s.output.items[index].kind
        else { return }
        s.output.items[index].kind = .functionCall(callID: callID, name: name, arguments: arguments + fragment)
        let itemID = s.output.items[index].id
        Self.event("response.function_call_arguments.delta", &s.sequence, &out) { out in
            out.member("item_id", itemID)
            out.member("output_index", integer: Int64(index))
            out.member("delta", fragment)
        }
    }

    /// The `…done` events of every item, in order.
    private func finish(_ s: inout State, _ out: inout JSONOutput) {
        for (index, item) in s.output.items.enumerated() {
            switch item.kind {
            case .message(let text):
                Self.event("response.output_text.done", &s.sequence, &out) { out in
                    out.member("item_id", item.id)
                    out.member("output_index", integer: Int64(index))
                    out.member("content_index", integer: 0)
                    out.member("text", text)
                    out.key("logprobs")
                    out.beginArray()
                    out.endArray()
                }
                Self.event("response.content_part.done", &s.sequence, &out) { out in
                    out.member("item_id", item.id)
                    out.member("output_index", integer: Int64(index))
                    out.member("content_index", integer: 0)
                    out.key("part")
                    OpenAIResponse.writeTextPart(text, to: &out)
                }
            case .functionCall(_, let name, let arguments):
                Self.event("response.function_call_arguments.done", &s.sequence, &out) { out in
                    out.member("item_id", item.id)
                    out.member("output_index", integer: Int64(index))
                    out.member("name", name)
                    out.member("arguments", arguments)
                }
            }
            Self.event("response.output_item.done", &s.sequence, &out) { out in
                out.member("output_index", integer: Int64(index))
                out.key("item")
                OpenAIResponse.write(item, done: true, to: &out)
            }
        }
    }

    /// `event: TYPE` and `data: {"type", "sequence_number", …}`.
    private static func event(
        _ type: String, _ sequence: inout Int, _ out: inout JSONOutput, _ members: (inout JSONOutput) -> Void
    ) {
        out.appendFraming("event: ".utf8)
        out.appendFraming(type.utf8)
        out.appendFraming("\ndata: ".utf8)
        out.beginObject()
        out.member("type", type)
        out.member("sequence_number", integer: Int64(sequence))
        sequence += 1
        members(&out)
        out.endObject()
        out.appendFraming("\n\n".utf8)
    }
}
