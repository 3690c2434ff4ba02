/// One chat message.
public struct ChatMessage: Sendable, Hashable {
    /// `system`, `user`, `assistant` or `tool`.
    public var role: String
    /// The text content (the text parts of a multimodal message, joined).
    public var content: String
    /// The whole message as the client sent it (content parts such as `image_url` and
    /// `input_audio`, `tool_calls`, `tool_call_id`, `name`, …), sent upstream verbatim by
    /// OpenAI-shaped adapters; `nil` for a message that is only `role` and text `content`.
    public var wire: OpenAIMessage?

    /// A message.
    public init(role: String, content: String, wire: OpenAIMessage? = nil) {
        self.role = role
        self.content = content
        self.wire = wire
    }

    /// The message as the OpenAI chat protocol spells it: the client's own, or `role` and text `content`.
    public var openAI: OpenAIMessage { wire ?? OpenAIMessage(role: role, content: .string(content)) }
}

/// What to run: one value, so adding a field breaks no adapter.
public struct InferenceRequest: Sendable, Hashable {
    /// The provider-side model id (an offer's `model`).
    public var model: String
    /// The serving endpoint to pin, for aggregators (`scaleway` → `org/name:scaleway`).
    public var servedBy: String?
    /// Let an aggregator choose (`cheapest`, `fastest`, `preferred`) when nothing is pinned.
    public var aggregatorPolicy: String?
    /// The task.
    public var task: ModelTask
    /// Chat messages (chat tasks).
    public var messages: [ChatMessage]
    /// The task input for non-chat tasks (`"inputs"` of the Hugging Face task API).
    public var input: JSONValue?
    /// Raw bytes for binary inputs (audio, images), with their content type.
    public var binaryInput: [UInt8]?
    /// The content type of `binaryInput`.
    public var binaryContentType: String?
    /// Generation or task parameters (`max_tokens`, `temperature`, …).
    public var parameters: JSONObject
    /// Bound on the whole attempt, in milliseconds; `nil` uses the entry's timeout.
    public var timeoutMs: Int?
    /// Bound on the time to the first byte of the answer, in milliseconds.
    public var firstByteTimeoutMs: Int?
    /// The client's Responses API request (`POST /v1/responses`), sent unchanged by adapters
    /// whose provider serves `/responses` itself (the registry says so); the others run
    /// ``messages`` and ``parameters``, its chat translation.
    public var responses: OpenAIResponsesRequest? = nil

    /// A request; everything but the model and task defaults to empty.
    public init(
        model: String, task: ModelTask, servedBy: String? = nil, aggregatorPolicy: String? = nil,
        messages: [ChatMessage] = [], input: JSONValue? = nil, binaryInput: [UInt8]? = nil,
        binaryContentType: String? = nil, parameters: JSONObject = JSONObject(), timeoutMs: Int? = nil,
        firstByteTimeoutMs: Int? = nil
    ) {
        self.model = model
        self.task = task
        self.servedBy = servedBy
        self.aggregatorPolicy = aggregatorPolicy
        self.messages = messages
        self.input = input
        self.binaryInput = binaryInput
        self.binaryContentType = binaryContentType
        self.parameters = parameters
        self.timeoutMs = timeoutMs
        self.firstByteTimeoutMs = firstByteTimeoutMs
    }
}

/// Token counts of one request.
public struct TokenUsage: Sendable, Hashable {
    /// Prompt tokens.
    public var inputTokens: Int64
    /// Completion tokens.
    public var outputTokens: Int64

    /// Usage.
    public init(inputTokens: Int64, outputTokens: Int64) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }
}

/// A task-shaped result.
public enum InferenceOutput: Sendable, Hashable {
    /// Generated text (chat, generation).
    case text(String)
    /// The provider's structured result (classification labels, embeddings, …).
    case json(JSONValue)
    /// Binary output (an image) with its content type.
    case binary([UInt8], contentType: String)
}

/// The answer to one request.
public struct InferenceResponse: Sendable, Hashable {
    /// The output.
    public var output: InferenceOutput
    /// Token usage, when the provider reported it.
    public var usage: TokenUsage?
    /// The HTTP status the answer came with (200; for a stream, the status of its response
    /// head, ``InferenceEvent/opened(httpStatus:)``); `nil` when it did not come over HTTP
    /// (an exec plugin).
    public var httpStatus: Int? = nil
    /// Who served it, when the provider says (aggregators).
    public var servedBy: String?
    /// Compute time billed, in milliseconds (hf-inference `x-compute-time`).
    public var computeTimeMs: Int64?
    /// Why generation stopped (`stop`, `length`, `tool_calls`, …), when known.
    public var finishReason: String?
    /// The provider's whole chat answer, for OpenAI-shaped providers: every choice, tool
    /// calls, `logprobs`, reasoning fields and unknown members, as the provider sent them
    /// (for a streamed run, the chunks folded together).
    public var completion: OpenAICompletion?
    /// The provider's own Responses API answer, when the request went to its `/responses`
    /// (for a streamed run, the response of its last `response.*` event).
    public var response: OpenAIResponse? = nil

    /// A response.
    public init(
        output: InferenceOutput, usage: TokenUsage? = nil, servedBy: String? = nil, computeTimeMs: Int64? = nil,
        finishReason: String? = nil, completion: OpenAICompletion? = nil
    ) {
        self.output = output
        self.usage = usage
        self.servedBy = servedBy
        self.computeTimeMs = computeTimeMs
        self.finishReason = finishReason
        self.completion = completion
    }
}

/// One event of a streamed inference.
public enum InferenceEvent: Sendable, Hashable {
    /// The response head arrived with this HTTP status (2xx), before any other event; yielded
    /// by adapters whose stream comes over HTTP (not by exec plugins).
    case opened(httpStatus: Int)
    /// A piece of generated text, in order.
    case delta(String)
    /// One chunk of an OpenAI-shaped stream as the provider sent it (text, tool-call pieces,
    /// reasoning, `logprobs`, several choices, unknown members); yielded instead of `.delta`
    /// by adapters that speak that protocol. Its `usage`, if any, is also yielded as `.usage`.
    case chunk(OpenAIStreamChunk)
    /// One event of a provider's own Responses API stream, as sent; yielded by adapters that
    /// sent the request to the provider's `/responses`. The usage of its final response is
    /// also yielded as `.usage`.
    case responseEvent(OpenAIResponseEvent)
    /// Usage, when the provider reports it (may come more than once; the last one counts).
    case usage(TokenUsage)
    /// The stream ended normally with this finish reason.
    case finished(reason: String?)

    /// The generated text this event carries (a delta, or a chunk's first choice); `nil` for
    /// the other events.
    public var text: String? {
        switch self {
        case .delta(let text): return text
        case .chunk(let chunk): return chunk.text
        case .responseEvent(let event): return event.type == "response.output_text.delta" ? event.delta : nil
        case .opened, .usage, .finished: return nil
        }
    }
}
