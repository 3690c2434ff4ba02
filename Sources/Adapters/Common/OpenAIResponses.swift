import ProviderInterface

/// The Responses API (`POST /responses`) as pure functions, for providers that serve it
/// themselves (a registry entry's `"responses": "native"`): the client's request sent
/// unchanged but for `model` and `stream`, the answer parsed for billing and kept whole, and a
/// stream's events passed on as sent.
///
/// See <https://platform.openai.com/docs/api-reference/responses>.
public enum OpenAIResponses {
    /// Builds `POST {url}` with the client's request, `model` set to the provider's id and
    /// `stream` to whether it is streamed (nothing else is touched).
    public static func makeRequest(
        url: String, model: String, request: OpenAIResponsesRequest, stream: Bool, headers: [HTTPHeader] = [],
        timeouts: HTTPTimeouts = HTTPTimeouts()
    ) -> HTTPRequest {
        var body = request
        body.model = model
        body.stream = stream ? true : nil
        var out = JSONOutput(capacity: 1024)
        body.write(to: &out)
        return HTTPRequest(
            method: "POST", url: url,
            headers: [
                HTTPHeader("Content-Type", "application/json"),
                HTTPHeader("Accept", stream ? "text/event-stream" : "application/json"),
            ] + headers,
            body: out.bytes, timeouts: stream ? timeouts.streaming : timeouts)
    }

    /// Parses a whole answer: the response object kept whole (``InferenceResponse/response``),
    /// its message text as the output, usage from `input_tokens`/`output_tokens`. A non-2xx
    /// status is mapped by ``ProviderErrorMapping``; a body that is not a response object is
    /// `.malformedResponse`; a `failed` response throws its error.
    public static func parseResponse(
        _ response: HTTPResponse, provider: String?, redactor: Redactor = Redactor(secrets: [])
    ) throws(ProviderError) -> InferenceResponse {
        let value = try OpenAIChat.answerJSON(response, provider: provider, redactor: redactor, what: "response")
        guard let parsed = OpenAIResponse(parsing: value) else {
            throw ProviderError(
                .malformedResponse, provider: provider, status: response.status,
                message: "answer is not a response object")
        }
        if parsed.status == "failed" { throw failure(parsed, provider: provider, redactor: redactor) }
        var answer = InferenceResponse(
            output: .text(parsed.outputText), usage: parsed.tokenUsage, finishReason: parsed.chatFinishReason)
        answer.response = parsed
        answer.httpStatus = response.status
        return answer
    }

    /// Turns a streamed answer into events: `.opened`, then every event as sent
    /// (`.responseEvent`), then, at the final `response.completed` (or `incomplete`), its
    /// usage and `.finished`. An `error` event or `response.failed` throws the provider's
    /// error (after the usage it reported, so what was delivered is billed from it); a body
    /// that ends before a final event throws `.transport`.
    public static func events(
        from response: HTTPStreamingResponse, provider: String?, redactor: Redactor = Redactor(secrets: [])
    ) async throws(ProviderError) -> AsyncThrowingStream<InferenceEvent, any Error> {
        if !(200..<300).contains(response.status) {
            let body = try await OpenAIChat.collect(
                response.body, limit: OpenAIChat.maxStreamErrorBody, provider: provider)
            let whole = HTTPResponse(status: response.status, headers: response.headers, body: body)
            throw ProviderErrorMapping.check(whole, provider: provider, redactor: redactor)
                ?? ProviderError(
                    .malformedResponse, provider: provider, status: response.status, message: "stream refused")
        }
        return OpenAIChat.pumped(response) { body, continuation throws(ProviderError) in
            try await pump(body, provider: provider, redactor: redactor, into: continuation)
        }
    }

    private static func pump(
        _ body: AsyncThrowingStream<[UInt8], any Error>, provider: String?, redactor: Redactor,
        into continuation: AsyncThrowingStream<InferenceEvent, any Error>.Continuation
    ) async throws(ProviderError) {
        var parser = OpenAIChatSSEParser()
        var final: OpenAIResponse?
        var lastUsage: TokenUsage?
        func handle(_ payloads: [String]) throws(ProviderError) -> Bool {
            for data in payloads {
                if OpenAIChatText.isBlank(data) || OpenAIChatText.isDone(data) { continue }
                let value: JSONValue
                do {
                    value = try JSONParser.parse(data)
                } catch {
                    throw ProviderError(
                        .malformedResponse, provider: provider, message: "stream event is not JSON: \(error)")
                }
                guard let event = OpenAIResponseEvent(parsing: value) else {
                    throw ProviderError(.malformedResponse, provider: provider, message: "stream event has no type")
                }
                if event.type == "error" {
                    let message = event.extra["message"]?.stringValue ?? "the provider's stream failed"
                    throw ProviderError(.providerError, provider: provider, message: redactor.redact(message))
                }
                continuation.yield(.responseEvent(event))
                if let usage = event.response?.tokenUsage { lastUsage = usage }
                if event.isTerminal, let response = event.response {
                    if response.status == "failed" { throw failure(response, provider: provider, redactor: redactor) }
                    final = response
                    return true
                }
            }
            return false
        }
        var done = false
        do throws(ProviderError) {
            try await OpenAIChat.read(
                body, parser: &parser, provider: provider, redactor: redactor, handle: handle, done: &done)
            guard done, final != nil else {
                throw ProviderError(.transport, provider: provider, message: "stream ended before response.completed")
            }
        } catch {
            if let lastUsage { continuation.yield(.usage(lastUsage)) }
            throw error
        }
        if let lastUsage { continuation.yield(.usage(lastUsage)) }
        continuation.yield(.finished(reason: final?.chatFinishReason))
    }

    /// The error of a `failed` response.
    static func failure(_ response: OpenAIResponse, provider: String?, redactor: Redactor) -> ProviderError {
        let message = response.extra["error"]?["message"]?.stringValue ?? "the response failed"
        return ProviderError(.providerError, provider: provider, message: redactor.redact(message))
    }
}
