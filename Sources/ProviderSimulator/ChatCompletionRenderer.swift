/// Renders OpenAI chat completion bodies and stream chunks.
struct ChatCompletionRenderer {
    let id: String
    let model: String
    /// OpenRouter's `"provider"` member, when set.
    let provider: String?
    let usage: SimulatedUsage
    let created = 1_726_000_000

    private func header(_ out: inout JSONOut, object: String) {
        out.field("id", id)
        out.field("object", object)
        out.field("created", int: created)
        out.field("model", model)
        if let provider { out.field("provider", provider) }
    }

    private func usage(_ out: inout JSONOut, completionTokens: Int) {
        out.key("usage")
        out.beginObject()
        out.field("prompt_tokens", int: usage.promptTokens)
        out.field("completion_tokens", int: completionTokens)
        out.field("total_tokens", int: usage.promptTokens + completionTokens)
        out.endObject()
    }

    /// A non-streamed `chat.completion`.
    func full(answer: String, finishReason: String, includeUsage: Bool) -> [UInt8] {
        var out = JSONOut(capacity: 256 + answer.utf8.count)
        out.beginObject()
        header(&out, object: "chat.completion")
        out.key("choices")
        out.beginArray()
        out.beginObject()
        out.field("index", int: 0)
        out.key("message")
        out.beginObject()
        out.field("role", "assistant")
        out.field("content", answer)
        out.endObject()
        out.key("logprobs")
        out.null()
        out.field("finish_reason", finishReason)
        out.endObject()
        out.endArray()
        if includeUsage { usage(&out, completionTokens: usage.completionTokens) }
        out.endObject()
        return out.bytes
    }

    private enum Delta {
        case role
        case content(String)
        case empty
    }

    private func chunk(_ delta: Delta?, finishReason: String?, usageTokens: Int?) -> [UInt8] {
        var out = JSONOut(capacity: 256)
        out.beginObject()
        header(&out, object: "chat.completion.chunk")
        out.key("choices")
        out.beginArray()
        if let delta {
            out.beginObject()
            out.field("index", int: 0)
            out.key("delta")
            out.beginObject()
            switch delta {
            case .role:
                out.field("role", "assistant")
                out.field("content", "")
            case .content(let text): out.field("content", text)
            case .empty: break
            }
            out.endObject()
            out.key("logprobs")
            out.null()
            out.key("finish_reason")
            if let finishReason { out.string(finishReason) } else { out.null() }
            out.endObject()
        }
        out.endArray()
        if let usageTokens { usage(&out, completionTokens: usageTokens) }
        out.endObject()
        return out.bytes
    }

    /// The JSON of each `chat.completion.chunk` event, in order (without `[DONE]`).
    func streamEvents(pieces: [String], finishReason: String, placement: UsagePlacement, includeUsageRequested: Bool)
        -> [[UInt8]]
    {
        let every = placement == .everyChunk
        var events: [[UInt8]] = []
        events.reserveCapacity(pieces.count + 3)
        events.append(chunk(.role, finishReason: nil, usageTokens: every ? 0 : nil))
        for (i, piece) in pieces.enumerated() {
            events.append(chunk(.content(piece), finishReason: nil, usageTokens: every ? i + 1 : nil))
        }
        let total = usage.completionTokens
        let onLast = placement == .lastChunk || every
        events.append(chunk(.empty, finishReason: finishReason, usageTokens: onLast ? total : nil))
        switch placement {
        case .finalEmptyDeltaChunk: events.append(chunk(.empty, finishReason: nil, usageTokens: total))
        case .onlyWithIncludeUsage where includeUsageRequested: events.append(chunk(nil, finishReason: nil, usageTokens: total))
        default: break
        }
        return events
    }
}
