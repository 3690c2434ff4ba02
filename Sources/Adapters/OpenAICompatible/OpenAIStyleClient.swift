import ProviderInterface

/// The network side shared by the adapters that speak OpenAI's protocol (OpenAI-compatible
/// providers, OpenRouter): one `GET` of a JSON list, and chat through ``OpenAIChat`` — each
/// a pure request builder and parser around one transport call.
struct OpenAIStyleClient: Sendable {
    /// The registry key.
    var provider: String
    /// The entry's base URL; credentials go only to its origin.
    var baseURL: String
    /// The chat path below the base URL, or an absolute URL.
    var chatPath: String
    /// The credential and its header.
    var credential: ProviderCredential
    /// Bounds of every request.
    var timeouts: HTTPTimeouts
    /// The transport.
    var transport: any HTTPTransport

    /// A client for an entry.
    init(
        entry: ProviderEntry, context: AdapterContext, chatPath: String, authHeader: String = "Authorization",
        authPrefix: String = "Bearer "
    ) {
        self.provider = entry.key
        self.baseURL = entry.baseURL
        self.chatPath = chatPath
        self.credential = ProviderCredential(
            entry: entry, environment: context.environment, headerName: authHeader, prefix: authPrefix)
        self.timeouts = HTTPTimeouts(
            firstByteMs: entry.firstByteTimeoutMs, totalMs: entry.timeoutMs, maxStreamMs: entry.maxDurationMs)
        self.transport = context.transport
    }

    /// `GET url` with the credential when `url` is on the entry's origin.
    func makeGet(_ url: String) -> HTTPRequest {
        HTTPRequest(
            method: "GET", url: url, headers: [HTTPHeader("Accept", "application/json")] + credential.headers(for: url),
            timeouts: timeouts, sensitiveHeaderNames: credential.sensitiveHeaderNames)
    }

    /// Fetches and parses a JSON document; error statuses become ``ProviderError``s.
    func getJSON(_ url: String) async throws(ProviderError) -> JSONValue {
        let response = try await send(makeGet(url))
        if let error = ProviderErrorMapping.check(response, provider: provider, redactor: credential.redactor) {
            throw error
        }
        do {
            return try JSONParser.parse(response.body)
        } catch {
            throw ProviderError(
                .malformedResponse, provider: provider, status: response.status,
                message: "model list is not JSON: \(error)")
        }
    }

    /// The chat request for `model`, with OpenRouter-style `extraBody` members.
    func makeChat(_ request: InferenceRequest, stream: Bool, extraBody: JSONObject = JSONObject()) -> HTTPRequest {
        let absolute = EndpointURL.isAbsolute(chatPath)
        let url = absolute ? chatPath : EndpointURL.join(baseURL, chatPath)
        var http = OpenAIChat.makeRequest(
            baseURL: absolute ? chatPath : baseURL, path: absolute ? "" : chatPath, model: request.model,
            request: request, stream: stream, headers: credential.headers(for: url), timeouts: timeouts,
            extraBody: extraBody)
        http.sensitiveHeaderNames = credential.sensitiveHeaderNames
        return http
    }

    /// Runs one chat request and returns the whole answer.
    func chat(_ request: InferenceRequest, extraBody: JSONObject = JSONObject()) async throws(ProviderError)
        -> InferenceResponse
    {
        try Self.requireChat(request, provider: provider)
        let response = try await send(makeChat(request, stream: false, extraBody: extraBody))
        var answer = try OpenAIChat.parseResponse(response, provider: provider, redactor: credential.redactor)
        answer.httpStatus = response.status
        return answer
    }

    /// Runs one chat request as a stream of events.
    func streamChat(_ request: InferenceRequest, extraBody: JSONObject = JSONObject()) async throws(ProviderError)
        -> AsyncThrowingStream<InferenceEvent, any Error>
    {
        try Self.requireChat(request, provider: provider)
        let http = makeChat(request, stream: true, extraBody: extraBody)
        let response: HTTPStreamingResponse
        do {
            response = try await transport.stream(http)
        } catch {
            throw error.providerError(provider: provider)
        }
        return try await OpenAIChat.events(from: response, provider: provider, redactor: credential.redactor)
    }

    /// `POST {base}{path}` with the client's Responses API request (see ``OpenAIResponses``).
    func makeResponses(_ request: InferenceRequest, path: String, stream: Bool) -> HTTPRequest {
        let url = EndpointURL.isAbsolute(path) ? path : EndpointURL.join(baseURL, path)
        var http = OpenAIResponses.makeRequest(
            url: url, model: request.model, request: request.responses ?? OpenAIResponsesRequest(), stream: stream,
            headers: credential.headers(for: url), timeouts: OpenAIChat.applying(request, to: timeouts))
        http.sensitiveHeaderNames = credential.sensitiveHeaderNames
        return http
    }

    /// Runs one Responses API request on the provider's own `/responses`, whole.
    func responses(_ request: InferenceRequest, path: String) async throws(ProviderError) -> InferenceResponse {
        let response = try await send(makeResponses(request, path: path, stream: false))
        return try OpenAIResponses.parseResponse(response, provider: provider, redactor: credential.redactor)
    }

    /// Runs one Responses API request on the provider's own `/responses`, streamed.
    func streamResponses(_ request: InferenceRequest, path: String) async throws(ProviderError)
        -> AsyncThrowingStream<InferenceEvent, any Error>
    {
        let response: HTTPStreamingResponse
        do {
            response = try await transport.stream(makeResponses(request, path: path, stream: true))
        } catch {
            throw error.providerError(provider: provider)
        }
        return try await OpenAIResponses.events(from: response, provider: provider, redactor: credential.redactor)
    }

    /// `POST {base}/embeddings` with `{"model", "input", "encoding_format", …parameters}`.
    func makeEmbeddings(_ request: InferenceRequest) -> HTTPRequest {
        let url = EndpointURL.join(baseURL, "/embeddings")
        let body = OpenAIEmbeddingRequest(
            model: request.model,
            input: request.input ?? .string(request.messages.map(\.content).joined(separator: "\n")),
            encodingFormat: request.parameters["encoding_format"]?.stringValue, parameters: request.parameters)
        var out = JSONOutput(capacity: 256)
        body.write(to: &out)
        return HTTPRequest(
            method: "POST", url: url,
            headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Accept", "application/json")]
                + credential.headers(for: url),
            body: out.bytes, timeouts: OpenAIChat.applying(request, to: timeouts),
            sensitiveHeaderNames: credential.sensitiveHeaderNames)
    }

    /// Runs one embeddings request: the output is the provider's answer as sent
    /// (``OpenAIEmbeddingList`` reads it), usage its `prompt_tokens`.
    func embeddings(_ request: InferenceRequest) async throws(ProviderError) -> InferenceResponse {
        let response = try await send(makeEmbeddings(request))
        let value = try OpenAIChat.answerJSON(
            response, provider: provider, redactor: credential.redactor, what: "embeddings answer")
        guard let list = OpenAIEmbeddingList(parsing: value) else {
            throw ProviderError(
                .malformedResponse, provider: provider, status: response.status,
                message: "embeddings answer has no data list")
        }
        let usage = list.usage?.tokenUsage.map { TokenUsage(inputTokens: $0.inputTokens, outputTokens: 0) }
        return InferenceResponse(output: .json(value), usage: usage)
    }

    private func send(_ request: HTTPRequest) async throws(ProviderError) -> HTTPResponse {
        do {
            return try await transport.send(request)
        } catch {
            throw error.providerError(provider: provider)
        }
    }

    /// Only chat tasks run through chat completions.
    static func requireChat(_ request: InferenceRequest, provider: String) throws(ProviderError) {
        guard request.task.isChat else {
            throw ProviderError(
                .unsupported, provider: provider,
                message:
                    "task \(request.task) is not served here; this adapter runs chat (conversational, text-generation)")
        }
        guard !request.messages.isEmpty else {
            throw ProviderError(.badInput, provider: provider, message: "a chat request needs at least one message")
        }
    }
}
