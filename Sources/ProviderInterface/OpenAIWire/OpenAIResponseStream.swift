/// Translates a streamed chat answer into the Responses API's event sequence, written
/// straight to bytes: `response.created`, `response.in_progress`; per item
/// `response.output_item.added`, then for text `response.content_part.added` and
/// `response.output_text.delta`s, for a function call `response.function_call_arguments.delta`s;
/// at the end each item's `…done` events and `response.output_item.done`, then
/// `response.completed` with usage. A failure after output has started is an `error` event.
/// Pure: the caller feeds chunks and writes the bytes where it likes.
///
/// See <https://platform.openai.com/docs/api-reference/responses-streaming>.
public struct OpenAIResponseStream: Sendable {
    /// The response so far (its items grow as the chunks come).
    public private(set) var response: OpenAIResponse
    /// The next `sequence_number`.
    public private(set) var sequence = 0
    /// The index in `response.items` of the message being written.
    private var message: Int?
    /// Tool-call stream index → index in `response.items`.
    private var calls: [Int: Int] = [:]
    /// The chat finish reason, once a chunk gave it.
    private var finishReason: String?

    /// A stream about to start (`response` in progress, with no output).
    public init(response: OpenAIResponse) {
        self.response = response
    }

    /// `response.created` and `response.in_progress`.
    public mutating func start(to out: inout JSONOutput) {
        let response = self.response
        event("response.created", &out) { out in
            out.key("response")
            response.write(to: &out)
        }
        event("response.in_progress", &out) { out in
            out.key("response")
            response.write(to: &out)
        }
    }

    /// The events of one chat chunk's first choice: its text, its tool-call pieces.
    public mutating func add(_ chunk: OpenAICompletion, to out: inout JSONOutput) {
        guard let choice = chunk.choices.first(where: { $0.index == 0 }), let delta = choice.message else { return }
        add(text: delta.text, to: &out)
        for call in delta.toolCalls ?? [] { add(call, to: &out) }
        if let reason = choice.finishReason { finishReason = reason }
    }

    /// The events of a piece of text (a provider that streams text, not chunks).
    public mutating func add(text: String, to out: inout JSONOutput) {
        guard !text.isEmpty else { return }
        let index: Int
        if let open = message {
            index = open
        } else {
            index = response.items.count
            message = index
            let item = OpenAIResponse.Item(id: response.messageID, kind: .message(text: ""), status: "in_progress")
            response.items.append(item)
            event("response.output_item.added", &out) { out in
                out.member("output_index", integer: Int64(index))
                out.key("item")
                item.write(to: &out, added: true)
            }
            event("response.content_part.added", &out) { out in
                out.member("item_id", item.id ?? "")
                out.member("output_index", integer: Int64(index))
                out.member("content_index", integer: 0)
                out.key("part")
                OpenAIResponse.writeTextPart("", to: &out)
            }
        }
        if case .message(let earlier) = response.items[index].kind {
            response.items[index].kind = .message(text: earlier + text)
        }
        let itemID = response.items[index].id ?? ""
        event("response.output_text.delta", &out) { out in
            out.member("item_id", itemID)
            out.member("output_index", integer: Int64(index))
            out.member("content_index", integer: 0)
            out.member("delta", text)
            out.key("logprobs")
            out.beginArray()
            out.endArray()
        }
    }

    /// The events of one streamed tool-call piece.
    public mutating func add(_ piece: OpenAIToolCall, to out: inout JSONOutput) {
        let streamIndex = piece.index ?? 0
        let index: Int
        if let known = calls[streamIndex] {
            index = known
        } else {
            index = response.items.count
            calls[streamIndex] = index
            let item = OpenAIResponse.Item(
                id: response.functionCallID(streamIndex),
                kind: .functionCall(callID: piece.id ?? "call_\(streamIndex)", name: piece.name ?? "", arguments: ""),
                status: "in_progress")
            response.items.append(item)
            event("response.output_item.added", &out) { out in
                out.member("output_index", integer: Int64(index))
                out.key("item")
                item.write(to: &out, added: true)
            }
        }
        guard let fragment = piece.arguments, !fragment.isEmpty,
            case .functionCall(let callID, let name, let arguments) = response.items[index].kind
        else { return }
        response.items[index].kind = .functionCall(callID: callID, name: name, arguments: arguments + fragment)
        let itemID = response.items[index].id ?? ""
        event("response.function_call_arguments.delta", &out) { out in
            out.member("item_id", itemID)
            out.member("output_index", integer: Int64(index))
            out.member("delta", fragment)
        }
    }

    /// Each item's `…done` events, then `response.completed` (or `incomplete`) with usage;
    /// `members` adds the caller's own members to the final response (the broker's account).
    /// `finishReason` is used when no chunk gave one.
    public mutating func complete(
        finishReason: String?, usage: TokenUsage?, to out: inout JSONOutput,
        members: (inout JSONOutput) -> Void = { _ in }
    ) {
        for i in response.items.indices { response.items[i].status = "completed" }
        for (index, item) in response.items.enumerated() {
            let itemID = item.id ?? ""
            switch item.kind {
            case .message(let text):
                event("response.output_text.done", &out) { out in
                    out.member("item_id", itemID)
                    out.member("output_index", integer: Int64(index))
                    out.member("content_index", integer: 0)
                    out.member("text", text)
                    out.key("logprobs")
                    out.beginArray()
                    out.endArray()
                }
                event("response.content_part.done", &out) { out in
                    out.member("item_id", itemID)
                    out.member("output_index", integer: Int64(index))
                    out.member("content_index", integer: 0)
                    out.key("part")
                    OpenAIResponse.writeTextPart(text, to: &out)
                }
            case .functionCall(_, let name, let arguments):
                event("response.function_call_arguments.done", &out) { out in
                    out.member("item_id", itemID)
                    out.member("output_index", integer: Int64(index))
                    out.member("name", name)
                    out.member("arguments", arguments)
                }
            case .other:
                break
            }
            event("response.output_item.done", &out) { out in
                out.member("output_index", integer: Int64(index))
                out.key("item")
                item.write(to: &out)
            }
        }
        response.complete(finishReason: self.finishReason ?? finishReason, usage: usage)
        let response = self.response
        event("response.completed", &out) { out in
            out.key("response")
            response.write(to: &out, members: members)
        }
    }

    /// The `error` event of a stream that failed after it started: `code`, `message`, `param`,
    /// then the error's other members (what was billed for the delivered part, the attempts).
    public mutating func fail(_ error: OpenAIError, to out: inout JSONOutput) {
        event("error", &out) { out in
            out.key("code")
            out.value(error.code ?? .string("error"))
            out.member("message", error.message)
            out.key("param")
            if let param = error.param { out.string(param) } else { out.null() }
            out.members(error.extra)
        }
    }

    /// `event: TYPE` and `data: {"type", "sequence_number", …}`.
    private mutating func event(_ type: String, _ out: inout JSONOutput, _ members: (inout JSONOutput) -> Void) {
        let sequence = self.sequence
        self.sequence += 1
        OpenAIResponseEvent.write(type, to: &out) { out in
            out.beginObject()
            out.member("type", type)
            out.member("sequence_number", integer: Int64(sequence))
            members(&out)
            out.endObject()
        }
    }
}
