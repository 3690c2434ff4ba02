/// An OpenAI chat-completions request body: the members the broker owns typed (`model`,
/// `messages`, `stream`, `stream_options`), every other parameter (`tools`, `n`, `logprobs`,
/// `response_format`, `user`, provider extensions, …) kept verbatim and in order in
/// ``parameters``, so a request read and written back carries everything the client sent.
/// Typed accessors read and write the parameters the broker looks at in place.
///
/// See <https://platform.openai.com/docs/api-reference/chat/create>.
public struct OpenAIChatRequest: Sendable, Hashable {
    /// `model`; `nil` when absent or not a string.
    public var model: String?
    /// `messages`; `nil` when absent or not an array of objects (then kept in ``parameters``).
    public var messages: [OpenAIMessage]?
    /// `stream`; `nil` when absent or `null`.
    public var stream: Bool?
    /// `stream_options`, as sent.
    public var streamOptions: JSONObject?
    /// Every other member, in order, verbatim.
    public var parameters: JSONObject

    /// The members typed above; a parameter of one of these names is never written.
    public static let ownedKeys: Set<String> = ["model", "messages", "stream", "stream_options"]

    /// A request.
    public init(
        model: String? = nil, messages: [OpenAIMessage]? = nil, stream: Bool? = nil, streamOptions: JSONObject? = nil,
        parameters: JSONObject = JSONObject()
    ) {
        self.model = model
        self.messages = messages
        self.stream = stream
        self.streamOptions = streamOptions
        self.parameters = parameters
    }

    /// Reads a request body; `nil` when it is not an object. A member of an owned name whose
    /// value has the wrong shape is kept in ``parameters`` for the caller to refuse.
    public init?(parsing value: JSONValue) {
        guard let object = value.objectValue else { return nil }
        self.init()
        for member in object {
            let value = member.value
            switch member.key {
            case "model" where value.stringValue != nil: model = value.stringValue
            case "messages" where value.arrayValue?.allSatisfy({ $0.objectValue != nil }) == true:
                messages = value.arrayValue?.compactMap(OpenAIMessage.init(parsing:))
            case "stream" where value.boolValue != nil: stream = value.boolValue
            case "stream" where value.isNull: break
            case "stream_options" where value.objectValue != nil: streamOptions = value.objectValue
            default: parameters.appendUnchecked(member.key, value)
            }
        }
    }

    /// Reads a request from its JSON text (see ``init(parsing:)``).
    public init(bytes: [UInt8]) throws(JSONParseError) {
        let value = try JSONParser.parse(bytes)
        guard let parsed = OpenAIChatRequest(parsing: value) else {
            throw JSONParseError(offset: 0, reason: "a chat request is a JSON object")
        }
        self = parsed
    }

    /// Writes `model`, `messages`, the parameters in order (none of an owned name), then
    /// `stream` and `stream_options`.
    public func write(to out: inout JSONOutput) {
        out.beginObject()
        if let model { out.member("model", model) }
        if let messages {
            out.key("messages")
            out.beginArray()
            for message in messages { message.write(to: &out) }
            out.endArray()
        }
        for member in parameters where !Self.ownedKeys.contains(member.key) {
            out.key(member.key)
            out.value(member.value)
        }
        if let stream {
            out.key("stream")
            out.bool(stream)
        }
        if let streamOptions {
            out.key("stream_options")
            out.value(.object(streamOptions))
        }
        out.endObject()
    }

    /// The compact JSON text of the request.
    public var bytes: [UInt8] {
        var out = JSONOutput(capacity: 256 + (messages ?? []).reduce(0) { $0 + $1.text.utf8.count + 40 })
        write(to: &out)
        return out.bytes
    }

    // MARK: Parameters the broker reads

    /// `stream_options.include_usage`: whether the last streamed chunk carries usage.
    public var includeUsage: Bool {
        get { streamOptions?["include_usage"]?.boolValue ?? false }
        set {
            var options = streamOptions ?? JSONObject()
            options["include_usage"] = .bool(newValue)
            streamOptions = options
        }
    }

    /// `tools`, as sent.
    public var tools: [JSONValue]? {
        get { parameters["tools"]?.arrayValue }
        set { parameters["tools"] = newValue.map(JSONValue.array) }
    }

    /// `tool_choice`, as sent (`"auto"`, `"none"`, `"required"` or `{"type":"function",…}`).
    public var toolChoice: JSONValue? {
        get { parameters["tool_choice"] }
        set { parameters["tool_choice"] = newValue }
    }

    /// `n`: how many choices to generate.
    public var n: Int? {
        get { parameters["n"]?.intValue }
        set { parameters["n"] = newValue.map { JSONValue.integer($0) } }
    }

    /// `max_completion_tokens`, else `max_tokens`.
    public var maxTokens: Int? { parameters["max_completion_tokens"]?.intValue ?? parameters["max_tokens"]?.intValue }

    /// `logprobs`.
    public var logprobs: Bool? { parameters["logprobs"]?.boolValue }

    /// `response_format`, as sent.
    public var responseFormat: JSONValue? {
        get { parameters["response_format"] }
        set { parameters["response_format"] = newValue }
    }
}
