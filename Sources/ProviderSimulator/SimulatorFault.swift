/// A fault the simulator injects into matching requests (see ``ProviderSimulator/inject(_:pathPrefix:count:)``).
public enum SimulatorFault: Sendable {
    /// Any status with this body (and headers).
    case status(Int, body: String, headers: [(String, String)] = [])
    /// 429 with `Retry-After: N` and an OpenAI-style error body.
    case rateLimited(retryAfterSeconds: Int)
    /// 429 with the Hub's `RateLimit: "api";r=0;t=N` and `RateLimit-Policy` headers.
    case hubRateLimited(resetSeconds: Int)
    /// 500/502/503 with `{"error":"…"}`; 503 adds `estimated_time`.
    case serverError(Int)
    /// Waits this long before sending anything (headers included), then answers normally.
    case slowFirstByte(ms: Int)
    /// The normal body in small chunks with this delay between them.
    case slowDrip(chunkDelayMs: Int)
    /// Sends the headers and part of the normal body, then drops the connection.
    case resetMidBody
    /// 200 with a body that is not valid JSON.
    case malformedJSON
    /// An SSE stream that stops without `[DONE]` and drops the connection.
    case truncatedStream
    /// A streamed tool call that breaks in the middle of its arguments: the stream up to and
    /// including its `fragments`-th argument piece (a chat chunk with `function.arguments`, or a
    /// Responses `response.function_call_arguments.delta` event), then the connection drops —
    /// no usage, no `[DONE]`.
    case breakMidToolCall(fragments: Int)
    /// 200 SSE: a couple of chunks, then `data: {"error":"…","error_type":"…"}`.
    case inBandStreamError(message: String)
    /// 200 with a valid JSON body of exactly this many bytes.
    case oversizedBody(bytes: Int)
}

/// A queued fault with its remaining count.
struct PendingFault: Sendable {
    var fault: SimulatorFault
    var pathPrefix: String?
    var remaining: Int
}
