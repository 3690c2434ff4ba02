import ProviderInterface

extension OpenAIChat {
    /// The largest error body read from a failed stream, in bytes.
    static let maxStreamErrorBody = 64 << 10

    /// The events of a 2xx stream: `.opened(httpStatus:)` with the status of its response head,
    /// then whatever `pump` yields reading the body, on a task of its own that the consumer's
    /// going away cancels; `pump`'s error ends the stream. The Responses reader's set-up (the
    /// chat reader reads on its consumer's task, ``OpenAIChatEventReader``).
    static func pumped(
        _ response: HTTPStreamingResponse,
        pump:
            @escaping @Sendable (
                AsyncThrowingStream<[UInt8], any Error>, AsyncThrowingStream<InferenceEvent, any Error>.Continuation
            ) async throws(ProviderError) -> Void
    ) -> AsyncThrowingStream<InferenceEvent, any Error> {
        let body = response.body
        let status = response.status
        return AsyncThrowingStream { continuation in
            continuation.yield(.opened(httpStatus: status))
            let task = Task {
                do throws(ProviderError) {
                    try await pump(body, continuation)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Turns a streamed chat answer into events.
    ///
    /// - A 2xx answer first yields `.opened(httpStatus:)` with the status of its response head.
    /// - A non-2xx status throws the mapped error before any event (the body is read first).
    /// - A 2xx answer with a JSON content type (a server that ignored `stream`) is parsed
    ///   whole and replayed as one chunk (``OpenAICompletion/asChunk``).
    /// - Otherwise every SSE event yields its `.chunk` as sent, in order; usage is kept from
    ///   wherever it appears (the last one wins) and yielded once before
    ///   `.finished(reason:)`, which comes at `[DONE]` (or at the end of the body after a
    ///   finish reason). A stream that breaks
    ///   after usage appeared yields that usage before its error, so what it delivered is
    ///   billed from the provider's count.
    /// - An in-band `{"error":…}` chunk, a chunk that is not JSON, or a body that ends
    ///   before `[DONE]` with no finish reason throws a ``ProviderError`` from the stream.
    public static func events(
        from response: HTTPStreamingResponse, provider: String?, redactor: Redactor = Redactor(secrets: [])
    ) async throws(ProviderError) -> AsyncThrowingStream<InferenceEvent, any Error> {
        let isJSON = response.header("content-type")?.lowercased().contains("application/json") ?? false
        if !(200..<300).contains(response.status) || isJSON {
            let body = try await collect(
                response.body, limit: isJSON ? 64 << 20 : maxStreamErrorBody, provider: provider)
            let whole = HTTPResponse(status: response.status, headers: response.headers, body: body)
            let answer = try parseResponse(whole, provider: provider, redactor: redactor)
            return AsyncThrowingStream { continuation in
                continuation.yield(.opened(httpStatus: response.status))
                if let completion = answer.completion {
                    continuation.yield(.chunk(OpenAIStreamChunk(completion.asChunk)))
                }
                if let usage = answer.usage { continuation.yield(.usage(usage)) }
                continuation.yield(.finished(reason: answer.finishReason))
                continuation.finish()
            }
        }
        // Read on the consumer's task (see ``OpenAIChatEventReader``), not by a task of its own.
        let reader = OpenAIChatEventReader(response, provider: provider, redactor: redactor)
        return AsyncThrowingStream(unfolding: { try await reader.next() })
    }

    /// Feeds `body` to `parser` and its events to `handle` until `handle` says the stream is
    /// done (`[DONE]`, or a Responses stream's last event) or the body ends; throws when the
    /// body breaks.
    static func read(
        _ body: AsyncThrowingStream<[UInt8], any Error>, parser: inout OpenAIChatSSEParser, provider: String?,
        redactor: Redactor, handle: ([String]) throws(ProviderError) -> Bool, done: inout Bool
    ) async throws(ProviderError) {
        do {
            for try await bytes in body {
                if try handle(parser.feed(bytes)) {
                    done = true
                    break
                }
            }
        } catch let error as ProviderError {
            throw error
        } catch let error as TransportError {
            throw error.providerError(provider: provider)
        } catch is CancellationError {
            throw ProviderError(.transport, provider: provider, message: "stream cancelled")
        } catch {
            throw ProviderError(.transport, provider: provider, message: "stream broke: \(redactor.redact("\(error)"))")
        }
        if !done { done = try handle(parser.finish()) }
    }

    /// Reads a whole streamed body, up to `limit` bytes (the rest is dropped).
    static func collect(
        _ body: AsyncThrowingStream<[UInt8], any Error>, limit: Int, provider: String?
    ) async throws(ProviderError) -> [UInt8] {
        var result: [UInt8] = []
        do {
            for try await bytes in body {
                result.append(contentsOf: bytes.prefix(max(0, limit - result.count)))
                if result.count >= limit { break }
            }
        } catch let error as TransportError {
            throw error.providerError(provider: provider)
        } catch {
            throw ProviderError(.transport, provider: provider, message: "reading the answer failed")
        }
        return result
    }
}
