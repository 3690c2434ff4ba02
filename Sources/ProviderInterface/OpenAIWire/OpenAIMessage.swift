/// An assistant `message` of a chat completion, or the `delta` of a streamed chunk: the
/// members the broker reads by name, and every other member kept verbatim, in order.
///
/// See <https://platform.openai.com/docs/api-reference/chat/object> and
/// <https://platform.openai.com/docs/api-reference/chat/streaming>.
public struct OpenAIMessage: Sendable, Hashable {
    /// `role`.
    public var role: String?
    /// `content`: a string, `null`, or an array of parts, as sent; `nil` when absent.
    public var content: JSONValue?
    /// `refusal`, as sent (a string or `null`).
    public var refusal: JSONValue?
    /// `tool_calls`.
    public var toolCalls: [OpenAIToolCall]?
    /// `reasoning_content` (DeepSeek, Together, the Hugging Face router's providers).
    public var reasoningContent: String?
    /// `reasoning` (OpenRouter, some OpenAI-compatible servers).
    public var reasoning: String?
    /// Every other member, in order, verbatim.
    public var extra: JSONObject

    /// A message.
    public init(
        role: String? = nil, content: JSONValue? = nil, refusal: JSONValue? = nil, toolCalls: [OpenAIToolCall]? = nil,
        reasoningContent: String? = nil, reasoning: String? = nil, extra: JSONObject = JSONObject()
    ) {
        self.role = role
        self.content = content
        self.refusal = refusal
        self.toolCalls = toolCalls
        self.reasoningContent = reasoningContent
        self.reasoning = reasoning
        self.extra = extra
    }

    /// Reads a `message` or `delta`; `nil` when it is not an object.
    public init?(parsing value: JSONValue) {
        guard let object = value.objectValue else { return nil }
        self.init()
        for member in object {
            let value = member.value
            switch member.key {
            case "role" where value.stringValue != nil || value.isNull: role = value.stringValue
            case "content": content = value
            case "refusal": refusal = value
            case "tool_calls" where value.arrayValue.map(Self.allToolCalls) == true:
                toolCalls = value.arrayValue?.compactMap(OpenAIToolCall.init(parsing:))
            case "reasoning_content" where value.stringValue != nil || value.isNull:
                reasoningContent = value.stringValue
            case "reasoning" where value.stringValue != nil || value.isNull: reasoning = value.stringValue
            default: extra.appendUnchecked(member.key, value)
            }
        }
    }

    private static func allToolCalls(_ elements: [JSONValue]) -> Bool { elements.allSatisfy { $0.objectValue != nil } }

    /// The text of `content`: a string, or the `text` of its parts joined; empty for `null`.
    public var text: String {
        switch content {
        case .string(let text)?: return text
        case .array(let parts)?: return parts.compactMap { $0["text"]?.stringValue ?? $0.stringValue }.joined()
        default: return ""
        }
    }

    /// Whether the message carries anything a client would show or act on (text, a tool call,
    /// a refusal, reasoning) — a role alone does not count.
    public var hasOutput: Bool {
        !text.isEmpty || !(toolCalls ?? []).isEmpty || refusal?.stringValue.map { !$0.isEmpty } == true
            || !(reasoningContent ?? "").isEmpty || !(reasoning ?? "").isEmpty
    }

    /// Writes the object: `role`, `content`, `refusal`, `tool_calls`, the reasoning fields, then the rest.
    public func write(to out: inout JSONOutput) {
        out.beginObject()
        if let role { out.member("role", role) }
        if let content {
            out.key("content")
            out.value(content)
        }
        if let refusal {
            out.key("refusal")
            out.value(refusal)
        }
        if let toolCalls {
            out.key("tool_calls")
            out.beginArray()
            for call in toolCalls { call.write(to: &out) }
            out.endArray()
        }
        if let reasoningContent { out.member("reasoning_content", reasoningContent) }
        if let reasoning { out.member("reasoning", reasoning) }
        out.members(extra)
        out.endObject()
    }
}
