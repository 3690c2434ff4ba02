/// A task, named as Hugging Face names it (`conversational`, `text-generation`, …).
public struct ModelTask: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The text form, as written in messages and JSON.
    public var rawValue: String
    /// The value of this text.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The value of this text (unlabelled).
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The text printed for this value.
    public var description: String { rawValue }
    /// Orders tasks by name.
    public static func < (lhs: ModelTask, rhs: ModelTask) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses user input, accepting `chat` as an alias of `conversational`.
    public init(userInput: String) {
        let lowered = userInput.lowercased()
        self.rawValue = lowered == "chat" ? "conversational" : lowered
    }

    /// Hugging Face's `conversational` task.
    public static let conversational = ModelTask("conversational")
    /// Hugging Face's `text-generation` task.
    public static let textGeneration = ModelTask("text-generation")
    /// Hugging Face's `summarization` task.
    public static let summarization = ModelTask("summarization")
    /// Hugging Face's `translation` task.
    public static let translation = ModelTask("translation")
    /// Hugging Face's `text-classification` task.
    public static let textClassification = ModelTask("text-classification")
    /// Hugging Face's `token-classification` task.
    public static let tokenClassification = ModelTask("token-classification")
    /// Hugging Face's `question-answering` task.
    public static let questionAnswering = ModelTask("question-answering")
    /// Hugging Face's `fill-mask` task.
    public static let fillMask = ModelTask("fill-mask")
    /// Hugging Face's `zero-shot-classification` task.
    public static let zeroShotClassification = ModelTask("zero-shot-classification")
    /// Hugging Face's `feature-extraction` task.
    public static let featureExtraction = ModelTask("feature-extraction")
    /// Hugging Face's `sentence-similarity` task.
    public static let sentenceSimilarity = ModelTask("sentence-similarity")
    /// Hugging Face's `text-to-image` task.
    public static let textToImage = ModelTask("text-to-image")
    /// Hugging Face's `automatic-speech-recognition` task.
    public static let automaticSpeechRecognition = ModelTask("automatic-speech-recognition")

    /// Whether requests of this task are chat completions (messages in, text out).
    public var isChat: Bool { self == .conversational || self == .textGeneration }
}
