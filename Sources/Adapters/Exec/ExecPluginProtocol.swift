import ProviderInterface

/// The exec-plugin protocol as pure functions: newline-delimited JSON on the plugin's stdin
/// and stdout (examples/README.md documents it for plugin authors).
///
/// Requests: `{"id":N,"op":"list_models"}`, `{"id":N,"op":"get_pricing"}`,
/// `{"id":N,"op":"run_inference","stream":false,"request":{…}}`. Answers:
/// `{"id":N,"ok":true,"result":…}` or `{"id":N,"ok":false,"error":{"code","message"}}`,
/// preceded, when streaming, by `{"id":N,"event":{"delta":"…"}}` and
/// `{"id":N,"event":{"usage":{…}}}` lines.
enum ExecPluginProtocol {
    /// The three operations.
    enum Operation: String, Sendable {
        case listModels = "list_models"
        case getPricing = "get_pricing"
        case runInference = "run_inference"
    }

    /// One decoded stdout line.
    enum Message: Sendable, Hashable {
        /// A streamed event (`{"delta":…}` or `{"usage":…}`).
        case event(JSONValue)
        /// The successful answer's `result`.
        case result(JSONValue)
        /// The plugin's own error, as a provider error.
        case failure(ProviderError)
    }

    /// The request line for an operation, ending in `\n`.
    static func requestLine(id: Int, operation: Operation, request: InferenceRequest? = nil, stream: Bool = false)
        -> [UInt8]
    {
        var object = JSONObject([("id", .integer(id)), ("op", .string(operation.rawValue))])
        if let request {
            object["stream"] = .bool(stream)
            object["request"] = requestJSON(request)
        }
        return JSONWriter.bytes(.object(object)) + [UInt8(ascii: "\n")]
    }

    /// `{model, task, served_by?, messages:[{role,content}], input?, parameters{}}`.
    static func requestJSON(_ request: InferenceRequest) -> JSONValue {
        var object = JSONObject([("model", .string(request.model)), ("task", .string(request.task.rawValue))])
        if let servedBy = request.servedBy { object["served_by"] = .string(servedBy) }
        object["messages"] = .array(
            request.messages.map { ["role": .string($0.role), "content": .string($0.content)] })
        if let input = request.input { object["input"] = input }
        object["parameters"] = .object(request.parameters)
        return .object(object)
    }

    /// Decodes one stdout line of the answer to request `id`. Anything that is not one of
    /// the protocol's lines for this id is `.malformedResponse`.
    static func decode(_ line: ArraySlice<UInt8>, id: Int, provider: String, redactor: Redactor) throws(ProviderError)
        -> Message
    {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw malformed(provider, "plugin wrote a line that is not JSON: \(excerpt(line, redactor))")
        }
        guard value.objectValue != nil else {
            throw malformed(provider, "plugin wrote JSON that is not an object: \(excerpt(line, redactor))")
        }
        guard value["id"]?.intValue == id else {
            throw malformed(
                provider, "plugin answered id \(value["id"].map(JSONWriter.string) ?? "none"), expected \(id)")
        }
        if let event = value["event"] { return .event(event) }
        switch value["ok"] {
        case .bool(true)?: return .result(value["result"] ?? .null)
        case .bool(false)?:
            let error = value["error"]
            let code = error?["code"]?.stringValue.flatMap(knownCode) ?? .providerError
            let text =
                error?["message"]?.stringValue ?? error?.stringValue ?? "plugin reported an error without a message"
            return .failure(ProviderError(code, provider: provider, message: clip(redactor.redact(text))))
        default:
            throw malformed(
                provider, "plugin line has neither \"event\" nor a boolean \"ok\": \(excerpt(line, redactor))")
        }
    }

    /// Error codes a plugin may report (`ProviderError.Code` raw values).
    static let codes: [ProviderError.Code] = [
        .badInput, .auth, .outOfCredits, .rateLimited, .notServed, .unavailable, .providerError,
        .malformedResponse, .transport, .timeout, .tooLarge, .unsupported,
    ]

    static func knownCode(_ text: String) -> ProviderError.Code? { codes.first { $0.rawValue == text } }

    static func malformed(_ provider: String, _ message: String) -> ProviderError {
        ProviderError(.malformedResponse, provider: provider, message: message)
    }

    /// At most 200 characters of a line, redacted, for error messages.
    static func excerpt(_ line: ArraySlice<UInt8>, _ redactor: Redactor) -> String {
        let text = String(decoding: line.prefix(200), as: UTF8.self)
        return redactor.redact(line.count > 200 ? text + "…" : text)
    }

    /// `text` cut to 300 characters.
    static func clip(_ text: String) -> String { text.count > 300 ? String(text.prefix(300)) + "…" : text }
}
