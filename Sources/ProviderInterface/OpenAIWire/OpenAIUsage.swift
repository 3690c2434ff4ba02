/// An OpenAI `usage` object: the token counts the broker bills by, and every other member
/// (`prompt_tokens_details`, `cost`, …) kept as the provider sent it.
///
/// See <https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage>.
public struct OpenAIUsage: Sendable, Hashable {
    /// `prompt_tokens` (or `input_tokens`).
    public var promptTokens: Int64?
    /// `completion_tokens` (or `output_tokens`).
    public var completionTokens: Int64?
    /// `total_tokens`.
    public var totalTokens: Int64?
    /// Every other member, in order, verbatim.
    public var extra: JSONObject

    /// A usage object.
    public init(
        promptTokens: Int64? = nil, completionTokens: Int64? = nil, totalTokens: Int64? = nil,
        extra: JSONObject = JSONObject()
    ) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
        self.extra = extra
    }

    /// Token counts as billed, with the total filled in.
    public init(_ usage: TokenUsage) {
        self.init(
            promptTokens: usage.inputTokens, completionTokens: usage.outputTokens,
            totalTokens: usage.inputTokens + usage.outputTokens)
    }

    /// Reads a `usage` member; `nil` when it is absent, `null` or not an object.
    public init?(parsing value: JSONValue?) {
        guard let object = value?.objectValue else { return nil }
        self.init()
        for member in object {
            let n = member.value.intValue.map(Int64.init)
            switch member.key {
            case "prompt_tokens" where n != nil: promptTokens = n
            case "completion_tokens" where n != nil: completionTokens = n
            case "total_tokens" where n != nil: totalTokens = n
            default: extra.appendUnchecked(member.key, member.value)
            }
        }
    }

    /// What the broker bills: prompt and completion tokens (`input_tokens`/`output_tokens`
    /// accepted too); `nil` when neither is given.
    public var tokenUsage: TokenUsage? {
        let input = promptTokens ?? extra["input_tokens"]?.intValue.map(Int64.init)
        let output = completionTokens ?? extra["output_tokens"]?.intValue.map(Int64.init)
        guard input != nil || output != nil else { return nil }
        return TokenUsage(inputTokens: input ?? 0, outputTokens: output ?? 0)
    }

    /// Writes the object: the counts that are set, then the other members.
    public func write(to out: inout JSONOutput) {
        out.beginObject()
        if let promptTokens { out.member("prompt_tokens", integer: promptTokens) }
        if let completionTokens { out.member("completion_tokens", integer: completionTokens) }
        if let totalTokens { out.member("total_tokens", integer: totalTokens) }
        out.members(extra)
        out.endObject()
    }
}
