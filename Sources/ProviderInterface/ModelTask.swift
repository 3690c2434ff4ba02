/// A task, named as Hugging Face names it (`conversational`, `text-generation`, …).
public struct ModelTask: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: ModelTask, rhs: ModelTask) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses user input, accepting `chat` as an alias of `conversational`.
    public init(userInput: String) {
        let lowered = userInput.lowercased()
        self.rawValue = lowered == "chat" ? "conversational" : lowered
    }

    public static let conversational = ModelTask("conversational")
    public static let textGeneration = ModelTask("text-generation")
    public static let summarization = ModelTask("summarization")
    public static let translation = ModelTask("translation")
    public static let textClassification = ModelTask("text-classification")
    public static let tokenClassification = ModelTask("token-classification")
    public static let questionAnswering = ModelTask("question-answering")
    public static let fillMask = ModelTask("fill-mask")
    public static let zeroShotClassification = ModelTask("zero-shot-classification")
    public static let featureExtraction = ModelTask("feature-extraction")
    public static let sentenceSimilarity = ModelTask("sentence-similarity")
    public static let textToImage = ModelTask("text-to-image")
    public static let automaticSpeechRecognition = ModelTask("automatic-speech-recognition")

    /// Whether requests of this task are chat completions (messages in, text out).
    public var isChat: Bool { self == .conversational || self == .textGeneration }
}
