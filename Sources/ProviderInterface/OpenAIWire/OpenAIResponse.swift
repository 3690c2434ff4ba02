/// A Responses API answer (`response` object), built from a chat answer (whole, or chunk by chunk):
/// the assistant's text as one `message` item and each tool call as a `function_call` item,
/// in the order they began; written as the `response` object.
///
/// See <https://platform.openai.com/docs/api-reference/responses/object>.
public struct OpenAIResponse: Sendable, Hashable {
    /// One output item.
    public struct Item: Sendable, Hashable {
        /// What the item is.
        public enum Kind: Sendable, Hashable {
            /// An assistant `message` with one `output_text` part.
            case message(text: String)
            /// A `function_call`.
            case functionCall(callID: String, name: String, arguments: String)
        }
        /// `msg_…` or `fc_…`.
        public var id: String
        /// What it holds.
        public var kind: Kind

        /// An item.
        public init(id: String, kind: Kind) {
            self.id = id
            self.kind = kind
        }
    }

    /// `resp_<request id>`.
    public var id: String
    /// `model`.
    public var model: String
    /// `created_at`, in Unix seconds.
    public var createdAt: Int64
    /// `output`, in the order the items began.
    public var items: [Item] = []
    /// The chat finish reason: `length` makes the response `incomplete`.
    public var finishReason: String?
    /// Token usage, when known.
    public var usage: TokenUsage?

    /// The items of a whole chat answer's first choice.
    public init(
        id: String, model: String, createdAt: Int64, completion: OpenAICompletion?, text: String, finishReason: String?
    ) {
        self.id = id
        self.model = model
        self.createdAt = createdAt
        self.finishReason = finishReason
        if !text.isEmpty { items.append(Item(id: "msg_" + id.dropFirst(5), kind: .message(text: text))) }
        for (i, call) in (completion?.firstMessage?.toolCalls ?? []).enumerated() {
            items.append(
                Item(
                    id: "fc_\(i)_" + id.dropFirst(5),
                    kind: .functionCall(
                        callID: call.id ?? "call_\(i)", name: call.name ?? "", arguments: call.arguments ?? "")))
        }
    }

    /// An empty output (a stream about to start).
    public init(id: String, model: String, createdAt: Int64) {
        self.id = id
        self.model = model
        self.createdAt = createdAt
    }

    /// `completed`, or `incomplete` when generation hit the token limit; `in_progress` while streaming.
    public func status(done: Bool) -> String {
        guard done else { return "in_progress" }
        return finishReason == "length" ? "incomplete" : "completed"
    }

    /// Writes one item (`done: false` gives the item as `response.output_item.added` shows it).
    public static func write(_ item: Item, done: Bool, to out: inout JSONOutput) {
        out.beginObject()
        switch item.kind {
        case .message(let text):
            out.member("type", "message")
            out.member("id", item.id)
            out.member("status", done ? "completed" : "in_progress")
            out.member("role", "assistant")
            out.key("content")
            out.beginArray()
            if done { writeTextPart(text, to: &out) }
            out.endArray()
        case .functionCall(let callID, let name, let arguments):
            out.member("type", "function_call")
            out.member("id", item.id)
            out.member("call_id", callID)
            out.member("name", name)
            out.member("arguments", done ? arguments : "")
            out.member("status", done ? "completed" : "in_progress")
        }
        out.endObject()
    }

    /// `{"type":"output_text","text","annotations":[]}`.
    public static func writeTextPart(_ text: String, to out: inout JSONOutput) {
        out.beginObject()
        out.member("type", "output_text")
        out.member("text", text)
        out.key("annotations")
        out.beginArray()
        out.endArray()
        out.endObject()
    }

    /// Writes the `response` object; `echo` carries the request's parameters, `members` the
    /// broker's own (its account, when done).
    public func write(to out: inout JSONOutput, done: Bool, echo: JSONObject, members: (inout JSONOutput) -> Void = { _ in }) {
        out.beginObject()
        out.member("id", id)
        out.member("object", "response")
        out.member("created_at", integer: createdAt)
        let status = status(done: done)
        out.member("status", status)
        out.key("error")
        out.null()
        out.key("incomplete_details")
        if status == "incomplete" {
            out.beginObject()
            out.member("reason", "max_output_tokens")
            out.endObject()
        } else {
            out.null()
        }
        out.member("model", model)
        out.key("output")
        out.beginArray()
        if done { for item in items { Self.write(item, done: true, to: &out) } }
        out.endArray()
        out.key("usage")
        if done, let usage {
            out.beginObject()
            out.member("input_tokens", integer: usage.inputTokens)
            out.key("input_tokens_details")
            out.beginObject()
            out.member("cached_tokens", integer: 0)
            out.endObject()
            out.member("output_tokens", integer: usage.outputTokens)
            out.key("output_tokens_details")
            out.beginObject()
            out.member("reasoning_tokens", integer: 0)
            out.endObject()
            out.member("total_tokens", integer: usage.inputTokens + usage.outputTokens)
            out.endObject()
        } else {
            out.null()
        }
        for name in ["instructions", "max_output_tokens", "temperature", "top_p", "user"] {
            out.key(name)
            out.value(echo[name] ?? .null)
        }
        out.key("metadata")
        out.value(echo["metadata"] ?? .object(JSONObject()))
        out.key("parallel_tool_calls")
        out.value(echo["parallel_tool_calls"] ?? .bool(true))
        out.key("tool_choice")
        out.value(echo["tool_choice"] ?? "auto")
        out.key("tools")
        out.value(echo["tools"] ?? [])
        out.key("previous_response_id")
        out.null()
        out.key("store")
        out.bool(false)
        out.key("text")
        out.value(["format": ["type": "text"]])
        out.member("truncation", "disabled")
        members(&out)
        out.endObject()
    }
}
