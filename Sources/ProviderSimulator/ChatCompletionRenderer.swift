import ProviderInterface

/// Renders OpenAI chat completion bodies and stream chunks through the OpenAI wire types, in
/// the dialect of the host that answers: several choices (`n`), a tool call (streamed as an
/// id-and-name delta, then argument fragments), `logprobs`, and reasoning text under the name
/// the host uses (`reasoning` on OpenRouter, `reasoning_content` elsewhere).
struct ChatCompletionRenderer {
    let id: String
    let model: String
    /// OpenRouter's `"provider"` member, when set.
    let provider: String?
    let usage: SimulatedUsage
    let created: Int64 = 1_726_000_000
    /// How many choices (`n`).
    var choiceCount = 1
    /// A tool call to answer with instead of text.
    var toolCall: SimulatedToolCall?
    /// Reasoning to send before the answer: the member name and the text.
    var reasoning: (key: String, text: String)?
    /// Whether to send `logprobs` for each token.
    var logprobs = false
    /// How the host streams a tool call's first delta.
    var dialect = ChatDialect.openAI
    /// `system_fingerprint`, sent by OpenAI-style hosts.
    var systemFingerprint: String?

    private func completion(chunk: Bool, choices: [OpenAIChoice], usage completionTokens: Int?) -> OpenAICompletion {
        var extra = JSONObject()
        if let provider { extra["provider"] = .string(provider) }
        let usage = completionTokens.map {
            OpenAIUsage(
                promptTokens: Int64(self.usage.promptTokens), completionTokens: Int64($0),
                totalTokens: Int64(self.usage.promptTokens + $0))
        }
        return OpenAICompletion(
            id: id, created: created, model: model, choices: choices, usage: usage,
            systemFingerprint: systemFingerprint.map(JSONValue.string), extra: extra, isChunk: chunk)
    }

    private func bytes(_ completion: OpenAICompletion) -> [UInt8] {
        var out = JSONOutput(capacity: 256)
        completion.write(to: &out)
        return out.bytes
    }

    /// `logprobs` for these tokens (`nil` when not asked for).
    private func logprobs(_ tokens: [String]) -> JSONValue? {
        guard logprobs else { return nil }
        let content: [JSONValue] = tokens.enumerated().map { i, token in
            [
                "token": .string(token), "logprob": .number("-0.\(i % 9 + 1)25"),
                "bytes": .array(token.utf8.map { .integer($0) }), "top_logprobs": [],
            ]
        }
        return ["content": .array(content), "refusal": nil]
    }

    /// A non-streamed `chat.completion`.
    func full(answer: String, pieces: [String], finishReason: String, includeUsage: Bool) -> [UInt8] {
        var message = OpenAIMessage(role: "assistant", content: .string(answer))
        var reason = finishReason
        var tokens = usage.completionTokens
        if let toolCall {
            message.content = .null
            message.toolCalls = [
                OpenAIToolCall(id: toolCall.id, type: "function", name: toolCall.name, arguments: toolCall.arguments)
            ]
            reason = "tool_calls"
            tokens = toolCall.fragments.count
        }
        if let reasoning { message.extra[reasoning.key] = .string(reasoning.text) }
        let choices = (0..<choiceCount).map { i in
            OpenAIChoice(index: i, message: message, logprobs: logprobs(pieces) ?? .null, finishReason: reason)
        }
        return bytes(completion(chunk: false, choices: choices, usage: includeUsage ? tokens : nil))
    }

    /// The JSON of each `chat.completion.chunk` event, in order (without `[DONE]`).
    func streamEvents(pieces: [String], finishReason: String, placement: UsagePlacement, includeUsageRequested: Bool)
        -> [[UInt8]]
    {
        let every = placement == .everyChunk
        var deltas: [(OpenAIMessage, tokens: [String])] = []
        var reason = finishReason
        if let reasoning {
            for piece in SimulatorCore.pieces(of: reasoning.text) {
                var delta = OpenAIMessage()
                delta.extra[reasoning.key] = .string(piece)
                deltas.append((delta, []))
            }
        }
        if let toolCall {
            reason = "tool_calls"
            for (i, fragment) in toolCall.fragments.enumerated() {
                var call = OpenAIToolCall(index: 0, arguments: fragment)
                if i == 0 {
                    call.id = toolCall.id
                    call.type = "function"
                    call.name = toolCall.name
                    if dialect == .openAI {
                        // OpenAI names the call with empty arguments, then sends every fragment.
                        var opening = OpenAIMessage(role: "assistant", content: .null, toolCalls: [call])
                        opening.toolCalls?[0].arguments = ""
                        deltas.append((opening, []))
                        deltas.append(
                            (OpenAIMessage(toolCalls: [OpenAIToolCall(index: 0, arguments: fragment)]), [fragment]))
                        continue
                    }
                }
                var delta = OpenAIMessage(toolCalls: [call])
                if i == 0 { delta.role = "assistant" }
                deltas.append((delta, [fragment]))
            }
        } else {
            deltas.insert((OpenAIMessage(role: "assistant", content: ""), []), at: 0)
            for piece in pieces { deltas.append((OpenAIMessage(content: .string(piece)), [piece])) }
        }
        var events: [[UInt8]] = []
        events.reserveCapacity(deltas.count * choiceCount + 3)
        var sent = 0
        for (delta, tokens) in deltas {
            sent += tokens.count
            for i in 0..<choiceCount {
                let choice = OpenAIChoice(index: i, message: delta, logprobs: logprobs(tokens) ?? .null)
                events.append(bytes(completion(chunk: true, choices: [choice], usage: every ? sent : nil)))
            }
        }
        let total = toolCall.map { $0.fragments.count } ?? usage.completionTokens
        let onLast = placement == .lastChunk || every
        for i in 0..<choiceCount {
            let last = i == choiceCount - 1
            let choice = OpenAIChoice(index: i, message: OpenAIMessage(), logprobs: .null, finishReason: reason)
            events.append(bytes(completion(chunk: true, choices: [choice], usage: onLast && last ? total : nil)))
        }
        switch placement {
        case .finalEmptyDeltaChunk:
            events.append(
                bytes(
                    completion(
                        chunk: true, choices: [OpenAIChoice(message: OpenAIMessage(), logprobs: .null)], usage: total)))
        case .onlyWithIncludeUsage where includeUsageRequested:
            events.append(bytes(completion(chunk: true, choices: [], usage: total)))
        default: break
        }
        return events
    }
}

/// How a host streams a tool call's first delta.
enum ChatDialect {
    /// OpenAI (and OpenAI-compatible servers): id and name with empty arguments, then fragments.
    case openAI
    /// Hugging Face's router and OpenRouter: id, name and the first fragment in one delta.
    case namedWithFirstFragment
}

/// The tool call the simulator answers with when a request offers tools.
struct SimulatedToolCall {
    var id: String
    var name: String
    /// The arguments' JSON text.
    var arguments: String

    /// The arguments in the pieces a stream sends them in (7 bytes, split on a character boundary).
    var fragments: [String] {
        var result: [String] = []
        var current = ""
        for character in arguments {
            current.append(character)
            if current.utf8.count >= 7 {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty || result.isEmpty { result.append(current) }
        return result
    }
}
