/// A Responses API answer (the `response` object): `id`, `created_at`, `status`, `model`,
/// the `output` items and `usage` typed, every other member (`error`, `incomplete_details`,
/// the echoed request parameters, provider fields) kept verbatim and in order in ``extra``.
/// Built from a chat answer (``init(id:model:createdAt:echo:)`` and ``complete(finishReason:usage:)``)
/// or parsed from a provider that serves `/responses` itself.
///
/// See <https://platform.openai.com/docs/api-reference/responses/object>.
public struct OpenAIResponse: Sendable, Hashable {
    /// One output item.
    public struct Item: Sendable, Hashable {
        /// What the item is.
        public enum Kind: Sendable, Hashable {
            /// An assistant `message` with one `output_text` part (no annotations).
            case message(text: String)
            /// A `function_call`.
            case functionCall(callID: String, name: String, arguments: String)
            /// Any other item (`reasoning`, a message with several parts, …): its `type`, with
            /// every member but `type`, `id` and `status` in ``Item/extra``.
            case other(type: String)
        }
        /// `msg_…`, `fc_…`.
        public var id: String?
        /// What it holds.
        public var kind: Kind
        /// `status` (`in_progress`, `completed`, `incomplete`); `nil` when absent.
        public var status: String?
        /// The members of an ``Kind/other(type:)`` item, verbatim.
        public var extra: JSONObject

        /// An item.
        public init(id: String?, kind: Kind, status: String? = "completed", extra: JSONObject = JSONObject()) {
            self.id = id
            self.kind = kind
            self.status = status
            self.extra = extra
        }

        /// Reads one element of `output`; `nil` when it is not an object with a string `type`.
        public init?(parsing value: JSONValue) {
            guard let object = value.objectValue, let type = object["type"]?.stringValue else { return nil }
            let id = object["id"]?.stringValue
            let status = object["status"]?.stringValue
            // A non-string `id` or `status` is kept verbatim with the other members.
            let plainID = object["id"].map { $0.stringValue != nil } ?? true
            let plainStatus = object["status"].map { $0.stringValue != nil } ?? true
            func only(_ names: Set<String>) -> Bool {
                plainID && plainStatus
                    && object.allSatisfy { ["type", "id", "status"].contains($0.key) || names.contains($0.key) }
            }
            if type == "message", only(["role", "content"]), object["role"] == "assistant",
                let parts = object["content"]?.arrayValue, parts.count == 1, let part = parts.first?.objectValue,
                part.count == 3, part["type"] == "output_text", let text = part["text"]?.stringValue,
                part["annotations"] == []
            {
                self.init(id: id, kind: .message(text: text), status: status)
            } else if type == "function_call", only(["call_id", "name", "arguments"]),
                let callID = object["call_id"]?.stringValue, let name = object["name"]?.stringValue,
                let arguments = object["arguments"]?.stringValue
            {
                self.init(id: id, kind: .functionCall(callID: callID, name: name, arguments: arguments), status: status)
            } else {
                var extra = JSONObject()
                for member in object {
                    switch member.key {
                    case "type": continue
                    case "id" where plainID: continue
                    case "status" where plainStatus: continue
                    default: extra.appendUnchecked(member.key, member.value)
                    }
                }
                self.init(id: id, kind: .other(type: type), status: status, extra: extra)
            }
        }

        /// Writes the item as it stands. `added` writes it as `response.output_item.added`
        /// shows it: `in_progress`, with no text or arguments yet.
        public func write(to out: inout JSONOutput, added: Bool = false) {
            out.beginObject()
            switch kind {
            case .message(let text):
                out.member("type", "message")
                if let id { out.member("id", id) }
                if let status = added ? "in_progress" : status { out.member("status", status) }
                out.member("role", "assistant")
                out.key("content")
                out.beginArray()
                if !added { OpenAIResponse.writeTextPart(text, to: &out) }
                out.endArray()
            case .functionCall(let callID, let name, let arguments):
                out.member("type", "function_call")
                if let id { out.member("id", id) }
                if let status = added ? "in_progress" : status { out.member("status", status) }
                out.member("call_id", callID)
                out.member("name", name)
                out.member("arguments", added ? "" : arguments)
            case .other(let type):
                out.member("type", type)
                if let id { out.member("id", id) }
                if let status = added ? "in_progress" : status { out.member("status", status) }
            }
            out.members(extra)
            out.endObject()
        }
    }

    /// `id` (`resp_…`).
    public var id: String
    /// `created_at`, in Unix seconds.
    public var createdAt: Int64
    /// `status`: `in_progress`, `completed`, `incomplete`, `failed`, …
    public var status: String
    /// `model`.
    public var model: String
    /// `output`, in the order the items began.
    public var items: [Item]
    /// `usage` as sent (`input_tokens`, `output_tokens`, their details, `total_tokens`); `nil`
    /// when absent or `null`.
    public var usage: JSONValue?
    /// Every other member, in order, verbatim.
    public var extra: JSONObject

    /// A response.
    public init(
        id: String, createdAt: Int64, status: String, model: String, items: [Item] = [], usage: JSONValue? = nil,
        extra: JSONObject = JSONObject()
    ) {
        self.id = id
        self.createdAt = createdAt
        self.status = status
        self.model = model
        self.items = items
        self.usage = usage
        self.extra = extra
    }

    /// Reads a `response` object; `nil` when it is not an object with a string `id`.
    public init?(parsing value: JSONValue) {
        guard let object = value.objectValue, let id = object["id"]?.stringValue else { return nil }
        self.init(id: id, createdAt: 0, status: "", model: "")
        for member in object {
            let value = member.value
            switch member.key {
            case "id": break
            case "object" where value == "response": break
            case "created_at" where value.intValue != nil: createdAt = Int64(value.intValue ?? 0)
            case "status" where value.stringValue != nil: status = value.stringValue ?? ""
            case "model" where value.stringValue != nil: model = value.stringValue ?? ""
            case "output" where value.arrayValue?.allSatisfy({ Item(parsing: $0) != nil }) == true:
                items = value.arrayValue?.compactMap(Item.init(parsing:)) ?? []
            case "usage" where value.objectValue != nil: usage = value
            case "usage" where value.isNull: break
            default: extra.appendUnchecked(member.key, value)
            }
        }
    }

    /// Reads a response from its JSON text.
    public init(bytes: [UInt8]) throws(JSONParseError) {
        guard let parsed = OpenAIResponse(parsing: try JSONParser.parse(bytes)) else {
            throw JSONParseError(offset: 0, reason: "not a response object")
        }
        self = parsed
    }

    /// The text of the output's messages (their `output_text` parts, joined), as the `openai`
    /// SDK's `output_text` reads it.
    public var outputText: String {
        var text = ""
        for item in items {
            switch item.kind {
            case .message(let t): text += t
            case .other(type: "message"):
                for part in item.extra["content"]?.arrayValue ?? [] where part["type"] == "output_text" {
                    text += part["text"]?.stringValue ?? ""
                }
            default: break
            }
        }
        return text
    }

    /// The chat finish reason this response amounts to: `length` when incomplete,
    /// `tool_calls` when it calls a function, else `stop`.
    public var chatFinishReason: String {
        if status == "incomplete" { return "length" }
        let calls = items.contains { if case .functionCall = $0.kind { return true } else { return false } }
        return calls ? "tool_calls" : "stop"
    }

    /// The billed token counts of ``usage`` (`input_tokens`, `output_tokens`).
    public var tokenUsage: TokenUsage? { OpenAIUsage(parsing: usage)?.tokenUsage }

    /// Writes `id`, `object`, `created_at`, `status`, `model`, `output`, `usage` (`null` when
    /// unknown), the other members, then the caller's own (the broker's account).
    /// A typed member whose value came in an unexpected shape is in ``extra`` and written from there, once.
    public func write(to out: inout JSONOutput, members: (inout JSONOutput) -> Void = { _ in }) {
        out.beginObject()
        out.member("id", id)
        if extra["object"] == nil { out.member("object", "response") }
        if extra["created_at"] == nil { out.member("created_at", integer: createdAt) }
        if extra["status"] == nil { out.member("status", status) }
        if extra["model"] == nil { out.member("model", model) }
        if extra["output"] == nil {
            out.key("output")
            out.beginArray()
            for item in items { item.write(to: &out) }
            out.endArray()
        }
        if extra["usage"] == nil {
            out.key("usage")
            out.value(usage ?? .null)
        }
        out.members(extra)
        members(&out)
        out.endObject()
    }

    /// The compact JSON text of the response.
    public var bytes: [UInt8] {
        var out = JSONOutput(capacity: 1024)
        write(to: &out)
        return out.bytes
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
}

// MARK: Translation from chat completions

extension OpenAIResponse {
    /// A response about to be filled from a chat answer: `in_progress`, no output, and the
    /// members OpenAI always sends, the request's own (``OpenAIResponsesRequest/echo``) where it set them.
    public init(id: String, model: String, createdAt: Int64, echo: JSONObject) {
        self.init(id: id, createdAt: createdAt, status: "in_progress", model: model)
        extra = JSONObject([("error", .null), ("incomplete_details", .null)])
        for name in ["instructions", "max_output_tokens", "temperature", "top_p", "user"] {
            extra.appendUnchecked(name, echo[name] ?? .null)
        }
        extra.appendUnchecked("metadata", echo["metadata"] ?? .object(JSONObject()))
        extra.appendUnchecked("parallel_tool_calls", echo["parallel_tool_calls"] ?? .bool(true))
        extra.appendUnchecked("tool_choice", echo["tool_choice"] ?? "auto")
        extra.appendUnchecked("tools", echo["tools"] ?? [])
        extra.appendUnchecked("previous_response_id", .null)
        extra.appendUnchecked("store", .bool(false))
        extra.appendUnchecked("text", ["format": ["type": "text"]])
        extra.appendUnchecked("truncation", "disabled")
    }

    /// The response to a whole chat answer: its first choice's text as one `message` item and
    /// each tool call as a `function_call` item, completed.
    public init(
        id: String, model: String, createdAt: Int64, echo: JSONObject, completion: OpenAICompletion?, text: String,
        finishReason: String?, usage: TokenUsage?
    ) {
        self.init(id: id, model: model, createdAt: createdAt, echo: echo)
        if !text.isEmpty { items.append(Item(id: messageID, kind: .message(text: text))) }
        for (i, call) in (completion?.firstMessage?.toolCalls ?? []).enumerated() {
            items.append(
                Item(
                    id: functionCallID(i),
                    kind: .functionCall(
                        callID: call.id ?? "call_\(i)", name: call.name ?? "", arguments: call.arguments ?? "")))
        }
        complete(finishReason: finishReason, usage: usage)
    }

    /// The id of the message item (`msg_` and the response's own id).
    public var messageID: String { "msg_" + id.dropFirst(5) }

    /// The id of the function-call item for stream index `index`.
    public func functionCallID(_ index: Int) -> String { "fc_\(index)_" + id.dropFirst(5) }

    /// Marks the response done: `completed`, or `incomplete` (`max_output_tokens`) when the
    /// chat answer stopped at its length limit; usage in the Responses API's names.
    public mutating func complete(finishReason: String?, usage: TokenUsage?) {
        if finishReason == "length" {
            status = "incomplete"
            extra["incomplete_details"] = ["reason": "max_output_tokens"]
        } else {
            status = "completed"
        }
        self.usage = usage.map(Self.usageValue)
    }

    /// `usage` as the Responses API spells it.
    public static func usageValue(_ usage: TokenUsage) -> JSONValue {
        [
            "input_tokens": .integer(usage.inputTokens), "input_tokens_details": ["cached_tokens": 0],
            "output_tokens": .integer(usage.outputTokens), "output_tokens_details": ["reasoning_tokens": 0],
            "total_tokens": .integer(usage.inputTokens + usage.outputTokens),
        ]
    }
}
