/// Folds streamed chunks into the whole answer they spell: per choice, text, refusal and
/// reasoning appended, tool calls merged by `index` (arguments appended), the finish reason
/// and `logprobs.content` kept; the last `usage` wins. What a client library does with a
/// stream, for callers that want the whole answer (`broker run --stream --format json`).
public struct OpenAICompletionAccumulator: Sendable {
    /// The answer so far, without its text (kept apart so appending does not copy it).
    private var completion = OpenAICompletion()
    /// Each choice's text so far, by choice index.
    private var contents: [Int: String] = [:]
    /// Each choice's refusal so far, by choice index.
    private var refusals: [Int: String] = [:]

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
            completion.choices.append(
                OpenAIChoice(index: piece.index, message: OpenAIMessage(role: "assistant"), logprobs: .null))
            completion.choices.sort { $0.index < $1.index }
            position = completion.choices.firstIndex { $0.index == piece.index } ?? 0
        }
        // Everything below mutates the choice where it lies, so appended text is not copied.
        if let reason = piece.finishReason { completion.choices[position].finishReason = reason }
        if let logprobs = piece.logprobs, !logprobs.isNull {
            completion.choices[position].logprobs = Self.merged(completion.choices[position].logprobs, logprobs)
        }
        for member in piece.extra { completion.choices[position].extra[member.key] = member.value }
        guard let delta = piece.message else { return }
        if completion.choices[position].message == nil {
            completion.choices[position].message = OpenAIMessage(role: "assistant")
        }
        if let role = delta.role { completion.choices[position].message?.role = role }
        if let content = delta.content, !content.isNull {
            contents[piece.index, default: ""].append(delta.text)
        } else if delta.content != nil, contents[piece.index] == nil {
            completion.choices[position].message?.content = .null
        }
        if let refusal = delta.refusal?.stringValue { refusals[piece.index, default: ""].append(refusal) }
        if let r = delta.reasoningContent {
            if completion.choices[position].message?.reasoningContent == nil {
                completion.choices[position].message?.reasoningContent = ""
            }
            completion.choices[position].message?.reasoningContent?.append(r)
        }
        if let r = delta.reasoning {
            if completion.choices[position].message?.reasoning == nil {
                completion.choices[position].message?.reasoning = ""
            }
            completion.choices[position].message?.reasoning?.append(r)
        }
        for call in delta.toolCalls ?? [] {
            let count = completion.choices[position].message?.toolCalls?.count ?? 0
            let callIndex = call.index ?? max(0, count - (call.id == nil ? 1 : 0))
            if let at = completion.choices[position].message?.toolCalls?.firstIndex(where: { $0.index == callIndex }) {
                completion.choices[position].message?.toolCalls?[at].append(call)
            } else {
                var first = call
                first.index = callIndex
                if completion.choices[position].message?.toolCalls == nil {
                    completion.choices[position].message?.toolCalls = []
                }
                completion.choices[position].message?.toolCalls?.append(first)
            }
        }
        for member in delta.extra { completion.choices[position].message?.extra[member.key] = member.value }
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
            let index = whole.choices[i].index
            if let text = contents[index] { whole.choices[i].message?.content = .string(text) }
            if let refusal = refusals[index] { whole.choices[i].message?.refusal = .string(refusal) }
            if whole.choices[i].message?.content == nil { whole.choices[i].message?.content = .null }
            guard var calls = whole.choices[i].message?.toolCalls else { continue }
            for j in calls.indices { calls[j].index = nil }
            whole.choices[i].message?.toolCalls = calls
        }
        return whole
    }
}
