/// An OpenAI chat answer: a whole `chat.completion` or one streamed `chat.completion.chunk`
/// (the two differ only in `object` and in naming each choice's message `message` or
/// `delta`). Every member the broker does not read by name is kept verbatim in `extra`, so an
/// answer parsed and written back carries everything the provider sent: extra choices,
/// `logprobs`, tool calls, refusals, reasoning fields, `system_fingerprint`, provider fields.
///
/// See <https://platform.openai.com/docs/api-reference/chat/object> and
/// <https://platform.openai.com/docs/api-reference/chat-streaming/streaming>.
public struct OpenAICompletion: Sendable, Hashable {
    /// `id`.
    public var id: String?
    /// `object`: `chat.completion` or `chat.completion.chunk`.
    public var object: String?
    /// `created`, in Unix seconds.
    public var created: Int64?
    /// `model`.
    public var model: String?
    /// `choices`.
    public var choices: [OpenAIChoice]
    /// `usage`; `nil` when absent or `null`.
    public var usage: OpenAIUsage?
    /// `system_fingerprint`, as sent.
    public var systemFingerprint: JSONValue?
    /// Every other member (OpenRouter's `provider`, `service_tier`, …), in order, verbatim.
    public var extra: JSONObject
    /// Whether this is a stream chunk (choices carry `delta`).
    public var isChunk: Bool

    /// The object name of a stream chunk.
    public static let chunkObject = "chat.completion.chunk"

    /// An answer.
    public init(
        id: String? = nil, object: String? = nil, created: Int64? = nil, model: String? = nil,
        choices: [OpenAIChoice] = [],
        usage: OpenAIUsage? = nil, systemFingerprint: JSONValue? = nil, extra: JSONObject = JSONObject(),
        isChunk: Bool = false
    ) {
        self.id = id
        self.object = object ?? (isChunk ? Self.chunkObject : "chat.completion")
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
        self.systemFingerprint = systemFingerprint
        self.extra = extra
        self.isChunk = isChunk
    }

    /// Reads an answer from a parsed document: a chunk when `object` says so or `chunk` is
    /// set. `nil` when the document is not an object or its `choices` is not an array.
    public init?(parsing value: JSONValue, chunk: Bool = false) {
        guard let object = value.objectValue else { return nil }
        let isChunk = chunk || object["object"]?.stringValue == Self.chunkObject
        let messageKey = isChunk ? "delta" : "message"
        self.init(isChunk: isChunk)
        self.object = nil
        for member in object {
            let value = member.value
            switch member.key {
            case "id" where value.stringValue != nil || value.isNull: id = value.stringValue
            case "object" where value.stringValue != nil || value.isNull: self.object = value.stringValue
            case "created" where value.intValue != nil: created = value.intValue.map(Int64.init)
            case "model" where value.stringValue != nil || value.isNull: model = value.stringValue
            case "choices" where value.arrayValue?.allSatisfy({ $0.objectValue != nil }) == true:
                choices = value.arrayValue?.compactMap { OpenAIChoice(parsing: $0, messageKey: messageKey) } ?? []
            case "usage" where value.objectValue != nil || value.isNull: usage = OpenAIUsage(parsing: value)
            case "system_fingerprint": systemFingerprint = value
            default: extra.appendUnchecked(member.key, value)
            }
        }
    }

    /// Reads an answer from its JSON text (see ``init(parsing:chunk:)``).
    public init(bytes: [UInt8], chunk: Bool = false) throws(JSONParseError) {
        let value = try JSONParser.parse(bytes)
        guard let parsed = OpenAICompletion(parsing: value, chunk: chunk) else {
            throw JSONParseError(offset: 0, reason: "not a chat completion object")
        }
        self = parsed
    }

    /// The first choice's message (or delta).
    public var firstMessage: OpenAIMessage? { choices.first { $0.index == 0 }?.message ?? choices.first?.message }

    /// The text of the first choice.
    public var text: String { firstMessage?.text ?? "" }

    /// The UTF-8 length of the output this answer (or chunk) carries, over every choice: text,
    /// refusal, reasoning, tool-call names and arguments. What a broken stream delivered is
    /// estimated from it when no usage came. Counts in place, without building any text.
    public var outputUTF8Count: Int {
        var count = 0
        for choice in choices {
            guard let message = choice.message else { continue }
            switch message.content {
            case .string(let text)?: count += text.utf8.count
            case .array(let parts)?: for part in parts { count += part["text"]?.stringValue?.utf8.count ?? 0 }
            default: break
            }
            count += message.refusal?.stringValue?.utf8.count ?? 0
            count += (message.reasoningContent?.utf8.count ?? 0) + (message.reasoning?.utf8.count ?? 0)
            for call in message.toolCalls ?? [] {
                count += (call.name?.utf8.count ?? 0) + (call.arguments?.utf8.count ?? 0)
            }
        }
        return count
    }

    /// The finish reason of the first choice.
    public var finishReason: String? { choices.first { $0.index == 0 }?.finishReason ?? choices.first?.finishReason }

    /// Writes the answer. `members` adds the caller's own members at the end (the broker's
    /// account); `usage` is left out when `omitUsage` is set.
    public func write(to out: inout JSONOutput, omitUsage: Bool = false, members: (inout JSONOutput) -> Void = { _ in })
    {
        out.beginObject()
        if let id { out.member("id", id) }
        if let object { out.member("object", object) }
        if let created { out.member("created", integer: created) }
        if let model { out.member("model", model) }
        out.key("choices")
        out.beginArray()
        let messageKey = isChunk ? "delta" : "message"
        for choice in choices { choice.write(to: &out, messageKey: messageKey) }
        out.endArray()
        if let usage, !omitUsage {
            out.key("usage")
            usage.write(to: &out)
        }
        if let systemFingerprint {
            out.key("system_fingerprint")
            out.value(systemFingerprint)
        }
        out.members(extra)
        members(&out)
        out.endObject()
    }

    /// The compact JSON text of the answer.
    public var bytes: [UInt8] {
        var out = JSONOutput(capacity: 512)
        write(to: &out)
        return out.bytes
    }
}

extension OpenAICompletion {
    /// A whole answer as the one stream chunk that spells it: each choice's `message` as its
    /// `delta` (for a server that answered a streamed request whole).
    public var asChunk: OpenAICompletion {
        var chunk = self
        chunk.isChunk = true
        chunk.object = Self.chunkObject
        return chunk
    }
}
