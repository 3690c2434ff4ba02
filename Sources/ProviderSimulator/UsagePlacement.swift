/// Where a streamed chat completion carries `usage`, as providers differ.
public enum UsagePlacement: Sendable, Hashable {
    /// In the last content chunk (the one with `finish_reason`).
    case lastChunk
    /// In every chunk, cumulative (the last one holds the totals).
    case everyChunk
    /// In an extra chunk after the last one, whose choice has an empty `delta`.
    case finalEmptyDeltaChunk
    /// OpenAI style: only when the request sets `stream_options.include_usage`, in an extra chunk
    /// with `"choices":[]`. Non-streamed answers always carry usage.
    case onlyWithIncludeUsage
    /// Never, streamed or not.
    case absent
}

/// How a classic-task answer is shaped (see WIRE_FORMATS.md, "Other tasks").
public enum TaskShape: Sendable, Hashable {
    /// The current documented shape (nested text-classification, `entity_group`, one QA object,
    /// zero-shot `{sequence,labels,scores}`, nested feature vectors).
    case standard
    /// The legacy/alternative shape clients must also accept (flat text-classification, `entity`,
    /// a QA list, zero-shot `[{label,score}]`, a flat feature vector).
    case alternative
}

/// Token counts to report for a model instead of the word counts the simulator computes.
public struct SimulatedUsage: Sendable, Hashable {
    /// The prompt tokens reported.
    public var promptTokens: Int
    /// The completion tokens reported.
    public var completionTokens: Int

    /// Fixed counts.
    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }
}
