/// Folds streamed chunks into the whole answer they spell: per choice, text, refusal and
/// reasoning appended, tool calls merged by `index` (arguments appended), the finish reason
/// and `logprobs.content` kept; the last `usage` wins. What a client library does with a
/// stream, for callers that want the whole answer (`broker run --stream --format json`).
public struct OpenAICompletionAccumulator: Sendable {
    /// The answer so far (a `chat.completion`).
    public private(set) var completion = OpenAICompletion()

    /// An empty accumulator.
    public init() {}

    /// Adds one chunk.
    public mutating func add(_ chunk: OpenAICompletion) {
        if completion.id == nil { completion.id = chunk.id }
        if completion.created == nil { completion.created = chunk.created }
        if completion.model == nil { completion.model = chunk.model }
        if let usage = chunk.usage { completion.usage = usage }
        if let fingerprint = chunk.systemFingerprint, !fingerprint.isNull { completion.systemFingerprint = fingerprint }
        for member in chunk.extra { completion.extra[member.key] = member.value }
        for choice in chunk.choices { add(choice) }
    }

    private mutating func add(_ piece: OpenAIChoice) {
        let position: Int
        if let found = completion.choices.firstIndex(where: { $0.index == piece.index }) {
            position = found
        } else {
            completion.choices.append(OpenAIChoice(index: piece.index, message: OpenAIMessage(role: "assistant"), logprobs: .null))
            completion.choices.sort { $0.index < $1.index }
            position = completion.choices.firstIndex { $0.index == piece.index } ?? 0
        }
        var choice = completion.choices[position]
        if let reason = piece.finishReason { choice.finishReason = reason }
        if let logprobs = piece.logprobs, !logprobs.isNull { choice.logprobs = Self.merged(choice.logprobs, logprobs) }
        for member in piece.extra { choice.extra[member.key] = member.value }
        if let delta = piece.message {
            var message = choice.message ?? OpenAIMessage(role: "assistant")
            if let role = delta.role { message.role = role }
            if let content = delta.content, !content.isNull {
                message.content = .string((message.content?.stringValue ?? "") + delta.text)
            } else if message.content == nil, delta.content != nil {
                message.content = .null
            }
            if let refusal = delta.refusal?.stringValue {
                message.refusal = .string((message.refusal?.stringValue ?? "") + refusal)
            }
            if let r = delta.reasoningContent { message.reasoningContent = (message.reasoningContent ?? "") + r }
            if let r = delta.reasoning { message.reasoning = (message.reasoning ?? "") + r }
            for call in delta.toolCalls ?? [] {
                var calls = message.toolCalls ?? []
                let callIndex = call.index ?? max(0, calls.count - (call.id == nil ? 1 : 0))
                if let at = calls.firstIndex(where: { $0.index == callIndex }) {
                    calls[at].append(call)
                } else {
                    var first = call
                    first.index = callIndex
                    calls.append(first)
                }
                message.toolCalls = calls
            }
            for member in delta.extra { message.extra[member.key] = member.value }
            choice.message = message
        }
        completion.choices[position] = choice
    }

    /// `logprobs` with the new chunk's `content` (and `refusal`) entries appended.
    private static func merged(_ old: JSONValue?, _ new: JSONValue) -> JSONValue {
        guard var object = old?.objectValue, let update = new.objectValue else { return new }
        for member in update {
            if let list = member.value.arrayValue, let earlier = object[member.key]?.arrayValue {
                object[member.key] = .array(earlier + list)
            } else {
                object[member.key] = member.value
            }
        }
        return .object(object)
    }

    /// The whole answer: each message has `content` (`null` when no text came) and its tool
    /// calls lose their stream `index` (whole answers carry none).
    public var result: OpenAICompletion {
        var whole = completion
        for i in whole.choices.indices {
            if whole.choices[i].message?.content == nil { whole.choices[i].message?.content = .null }
            guard var calls = whole.choices[i].message?.toolCalls else { continue }
            for j in calls.indices { calls[j].index = nil }
            whole.choices[i].message?.toolCalls = calls
        }
        return whole
    }
}
