import ProviderInterface

/// The OpenAI chat-completions protocol as pure functions: building the request, parsing a
/// whole answer and parsing one streamed chunk. Used by every adapter that speaks it
/// (Hugging Face's router, OpenAI-compatible providers, OpenRouter).
///
/// See <https://platform.openai.com/docs/api-reference/chat> and WIRE_FORMATS.md.
public enum OpenAIChat {
    /// Members of `InferenceRequest.parameters` that the request builder owns and a
    /// parameter may not replace.
    public static let reservedBodyKeys: Set<String> = OpenAIChatRequest.ownedKeys

    /// Builds `POST {baseURL}{path}`.
    ///
    /// The body is ``chatRequest(model:request:stream:extraBody:)`` written out:
    /// `{"model", "messages", …request.parameters, …extraBody}`, then, when `stream` is set,
    /// `"stream": true` and `"stream_options": {"include_usage": true}`. Parameters named in
    /// ``reservedBodyKeys`` are ignored; `extraBody` (e.g. OpenRouter's `provider` object)
    /// wins over a parameter of the same name.
    /// - Parameters:
    ///   - baseURL: `https://router.huggingface.co/v1`; a trailing `/` is dropped.
    ///   - path: `/chat/completions`.
    ///   - model: the model field as sent (`org/name:provider` for the HF router).
    ///   - request: messages, parameters and timeouts.
    ///   - stream: whether to ask for SSE.
    ///   - headers: extra headers (auth, billing); sent after `Content-Type` and `Accept`.
    ///   - timeouts: the entry's bounds; the request's own `timeoutMs`/`firstByteTimeoutMs` win.
    ///   - extraBody: members added to the body.
    public static func makeRequest(
        baseURL: String, path: String, model: String, request: InferenceRequest, stream: Bool,
        headers: [HTTPHeader] = [], timeouts: HTTPTimeouts = HTTPTimeouts(), extraBody: JSONObject = JSONObject()
    ) -> HTTPRequest {
        var allHeaders = [
            HTTPHeader("Content-Type", "application/json"),
            HTTPHeader("Accept", stream ? "text/event-stream" : "application/json"),
        ]
        allHeaders.append(contentsOf: headers)
        return HTTPRequest(
            method: "POST", url: joinURL(baseURL, path), headers: allHeaders,
            body: body(model: model, request: request, stream: stream, extraBody: extraBody),
            timeouts: stream ? applying(request, to: timeouts).streaming : applying(request, to: timeouts))
    }

    /// The request body of ``makeRequest(baseURL:path:model:request:stream:headers:timeouts:extraBody:)``
    /// as the wire layer's value (see ``chatRequest(model:request:stream:extraBody:)``), written to bytes.
    static func body(model: String, request: InferenceRequest, stream: Bool, extraBody: JSONObject) -> [UInt8] {
        let chat = chatRequest(model: model, request: request, stream: stream, extraBody: extraBody)
        var out = JSONOutput(capacity: 256 + request.messages.reduce(0) { $0 + $1.content.utf8.count + 40 })
        chat.write(to: &out)
        return out.bytes
    }

    /// The request to send: `model`, the messages (each as the client sent it, or role and
    /// text), the request's parameters in order with `extraBody`'s members replacing those of
    /// the same name in place (the rest appended), then, when `stream` is set, `"stream": true`
    /// and `"stream_options": {"include_usage": true}`. Neither parameters nor `extraBody` can
    /// replace a member the builder owns (``reservedBodyKeys``).
    public static func chatRequest(
        model: String, request: InferenceRequest, stream: Bool, extraBody: JSONObject = JSONObject()
    ) -> OpenAIChatRequest {
        var parameters = request.parameters
        for member in extraBody where !reservedBodyKeys.contains(member.key) { parameters[member.key] = member.value }
        return OpenAIChatRequest(
            model: model, messages: request.messages.map(\.openAI), stream: stream ? true : nil,
            streamOptions: stream ? JSONObject([("include_usage", .bool(true))]) : nil, parameters: parameters)
    }

    /// The JSON of a whole answer: a non-2xx status throws the error ``ProviderErrorMapping``
    /// maps it to, a body that is not JSON is `.malformedResponse` ("`what` is not JSON"), and a
    /// 200 carrying an `error` member throws that error.
    static func answerJSON(
        _ response: HTTPResponse, provider: String?, redactor: Redactor, what: String
    ) throws(ProviderError) -> JSONValue {
        if let error = ProviderErrorMapping.check(response, provider: provider, redactor: redactor) { throw error }
        let value: JSONValue
        do {
            value = try JSONParser.parse(response.body)
        } catch {
            throw ProviderError(
                .malformedResponse, provider: provider, status: response.status,
                message: "\(what) is not JSON: \(error)")
        }
        if let error = ProviderErrorMapping.inBandError(value, provider: provider, redactor: redactor) { throw error }
        return value
    }

    /// Parses a whole (non-streamed) answer.
    ///
    /// A non-2xx status is mapped by ``ProviderErrorMapping``; a 200 whose body carries an
    /// `error` member throws that error; a 200 that is not a chat completion is
    /// `.malformedResponse`. The whole answer is kept (``InferenceResponse/completion``);
    /// the output is the first choice's text (content parts joined), `usage` comes from
    /// `prompt_tokens`/`completion_tokens`, `servedBy` from a `provider` member when present
    /// (OpenRouter).
    public static func parseResponse(
        _ response: HTTPResponse, provider: String?, redactor: Redactor = Redactor(secrets: [])
    ) throws(ProviderError) -> InferenceResponse {
        let value = try answerJSON(response, provider: provider, redactor: redactor, what: "chat answer")
        guard var completion = OpenAICompletion(parsing: value), let message = completion.firstMessage else {
            throw ProviderError(
                .malformedResponse, provider: provider, status: response.status,
                message: "chat answer has no choices[0].message")
        }
        switch message.content {
        case nil, .null?, .string?, .array?: break
        default:
            throw ProviderError(
                .malformedResponse, provider: provider, status: response.status,
                message: "choices[0].message.content is neither text, parts nor null")
        }
        completion.isChunk = false
        return InferenceResponse(
            output: .text(completion.text), usage: completion.usage?.tokenUsage,
            servedBy: completion.extra["provider"]?.stringValue,
            finishReason: completion.finishReason, completion: completion)
    }

    /// Parses one SSE `data:` payload (not `[DONE]`) into the chunk as sent. Throws the error
    /// of an in-band `{"error":…}` chunk, and `.malformedResponse` for text that is not a
    /// chat completion chunk. A chunk of the usual shape is read in one pass over its bytes
    /// (``OpenAIStreamChunk/init(json:)``); any other is parsed whole.
    public static func decodeStreamChunk(
        data: String, provider: String?, redactor: Redactor = Redactor(secrets: [])
    ) throws(ProviderError) -> OpenAIStreamChunk {
        if let chunk = OpenAIStreamChunk(json: data) { return chunk }
        let value: JSONValue
        do {
            value = try JSONParser.parse(data)
        } catch {
            throw ProviderError(.malformedResponse, provider: provider, message: "stream chunk is not JSON: \(error)")
        }
        guard value.objectValue != nil else {
            throw ProviderError(.malformedResponse, provider: provider, message: "stream chunk is not a JSON object")
        }
        if let error = ProviderErrorMapping.inBandError(value, provider: provider, redactor: redactor) { throw error }
        guard let chunk = OpenAICompletion(parsing: value, chunk: true) else {
            throw ProviderError(.malformedResponse, provider: provider, message: "stream chunk has no choices array")
        }
        return OpenAIStreamChunk(chunk)
    }

    /// Parses one SSE `data:` payload into events: the `.chunk` itself, then a `.usage` when
    /// the chunk carries one. The finish reason is not an event here (usage may still
    /// follow); ``events(from:provider:redactor:)`` emits `.finished` at the end.
    public static func parseStreamChunk(
        data: String, provider: String?, redactor: Redactor = Redactor(secrets: [])
    ) throws(ProviderError) -> [InferenceEvent] {
        let chunk = try decodeStreamChunk(data: data, provider: provider, redactor: redactor)
        var events: [InferenceEvent] = [.chunk(chunk)]
        if let usage = chunk.usage?.tokenUsage { events.append(.usage(usage)) }
        return events
    }

    /// `base` and `path` joined with exactly one `/`.
    public static func joinURL(_ base: String, _ path: String) -> String {
        let slash = UInt8(ascii: "/")
        let bytes = base.utf8
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == slash { end = bytes.index(before: end) }
        let trimmed = end == bytes.endIndex ? base : String(base[..<end])
        guard let first = path.utf8.first else { return trimmed }
        return first == slash ? trimmed + path : trimmed + "/" + path
    }

    /// `timeouts` with the request's own bounds applied.
    public static func applying(_ request: InferenceRequest, to timeouts: HTTPTimeouts) -> HTTPTimeouts {
        var result = timeouts
        if let total = request.timeoutMs { result.totalMs = total }
        if let firstByte = request.firstByteTimeoutMs { result.firstByteMs = firstByte }
        return result
    }
}
