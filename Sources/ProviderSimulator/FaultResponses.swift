import HTTPServer
import ProviderInterface

/// How each ``SimulatorFault`` changes a response.
enum FaultResponses {
    /// The response that replaces the normal one, for faults that do; `nil` for faults that
    /// alter the normal response (timing, truncation) instead.
    static func replacement(for fault: SimulatorFault) -> SimulatedResponse? {
        switch fault {
        case .status(let status, let body, let headers):
            let trimmed = body.drop { $0 == " " || $0 == "\n" }
            let isJSON = trimmed.hasPrefix("{") || trimmed.hasPrefix("[")
            return isJSON
                ? .json(body, status: status, headers: headers) : .text(body, status: status, headers: headers)
        case .rateLimited(let seconds):
            return .json(
                #"{"error":{"message":"Rate limit reached for requests. Please try again in \#(seconds)s.","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#,
                status: 429, headers: [("Retry-After", String(seconds))])
        case .hubRateLimited(let seconds):
            return .json(
                #"{"error":"You have exceeded our hourly quotas for action: api. We invite you to retry later."}"#,
                status: 429,
                headers: [
                    ("RateLimit", "\"api\";r=0;t=\(seconds)"),
                    ("RateLimit-Policy", "\"fixed window\";\"api\";q=1000;w=300"),
                ])
        case .serverError(let status):
            switch status {
            case 503:
                return .json(#"{"error":"Model is currently loading","estimated_time":20.0}"#, status: 503)
            case 502: return .json(#"{"error":"Bad Gateway"}"#, status: 502)
            case 504: return .json(#"{"error":"Gateway Timeout"}"#, status: 504)
            default: return .json(#"{"error":"Internal Server Error"}"#, status: status)
            }
        case .malformedJSON:
            return .json(#"{"object":"list","data":[{"id":"broken-model","created":17"#, status: 200)
        case .oversizedBody(let count):
            return .json(bytes: paddedJSON(count), status: 200)
        case .slowFirstByte, .slowDrip, .resetMidBody, .truncatedStream, .inBandStreamError, .breakMidToolCall:
            return nil
        }
    }

    /// A valid JSON document of exactly `count` bytes (at least 1).
    static func paddedJSON(_ count: Int) -> [UInt8] {
        if count < 2 { return Array("0".utf8) }
        if count < 11 { return Array("{}".utf8) + [UInt8](repeating: UInt8(ascii: " "), count: count - 2) }
        var out = Array(#"{"data":""#.utf8)
        out.reserveCapacity(count)
        out.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: count - 11))
        out.append(contentsOf: #""}"#.utf8)
        return out
    }

    /// The normal response altered by a timing or truncation fault.
    static func apply(_ fault: SimulatorFault, to normal: SimulatedResponse) -> ServerResponse {
        let headers = normal.headers.map { (name: $0.0, value: $0.1) }
        switch fault {
        case .slowDrip(let delay):
            switch normal.body {
            case .bytes(let bytes):
                return ServerResponse(
                    status: normal.status, headers: headers,
                    body: .stream(.chunks(drip(bytes), delayMs: delay, contentLength: bytes.count)))
            case .chunks(let chunks, _):
                return ServerResponse(
                    status: normal.status, headers: headers, body: .stream(.chunks(chunks, delayMs: delay)))
            }
        case .resetMidBody:
            switch normal.body {
            case .bytes(let bytes):
                let total = max(bytes.count, 2)
                let sent = Array(bytes.prefix(max(1, bytes.count / 2)))
                return ServerResponse(
                    status: normal.status, headers: headers,
                    body: .stream(.chunks([sent], ending: .abort, contentLength: total)))
            case .chunks(let chunks, let delay):
                let events = withoutDone(chunks)
                let sent = Array(events.prefix(max(1, events.count / 2)))
                return ServerResponse(
                    status: normal.status, headers: headers,
                    body: .stream(.chunks(sent, delayMs: delay, ending: .abort)))
            }
        case .truncatedStream:
            let chunks: [[UInt8]]
            switch normal.body {
            case .bytes(let bytes): chunks = [Array(bytes.prefix(max(1, bytes.count / 2)))]
            case .chunks(let all, _):
                let events = withoutDone(all)
                chunks = Array(events.prefix(max(1, events.count - 2)))
            }
            return ServerResponse(status: 200, headers: headers, body: .stream(.chunks(chunks, ending: .abort)))
        case .breakMidToolCall(let wanted):
            guard case .chunks(let all, _) = normal.body else { return normal.serverResponse() }
            var sent: [[UInt8]] = []
            var fragments = 0
            for chunk in withoutDone(all) where fragments < wanted {
                sent.append(chunk)
                if carriesArgumentFragment(chunk) { fragments += 1 }
            }
            return ServerResponse(status: 200, headers: headers, body: .stream(.chunks(sent, ending: .abort)))
        case .inBandStreamError(let message):
            var chunks: [[UInt8]] = []
            if case .chunks(let all, _) = normal.body { chunks = Array(withoutDone(all).prefix(2)) }
            var error = Array("data: ".utf8)
            JSONWriter.write(["error": .string(message), "error_type": "server_error"], into: &error)
            error.append(contentsOf: "\n\n".utf8)
            chunks.append(error)
            return ServerResponse(
                status: 200, headers: SimulatedResponse.sseHeaders.map { (name: $0.0, value: $0.1) },
                body: .stream(.chunks(chunks)))
        case .slowFirstByte:
            return normal.serverResponse()
        case .status, .rateLimited, .hubRateLimited, .serverError, .malformedJSON, .oversizedBody:
            return (replacement(for: fault) ?? normal).serverResponse()
        }
    }

    /// `bytes` in small pieces: 64 bytes, or larger so there are at most 32 pieces.
    private static func drip(_ bytes: [UInt8]) -> [[UInt8]] {
        guard !bytes.isEmpty else { return [] }
        let size = max(64, (bytes.count + 31) / 32)
        return stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
    }

    /// Whether an SSE chunk carries a piece of tool-call arguments (chat or Responses API).
    private static func carriesArgumentFragment(_ chunk: [UInt8]) -> Bool {
        let text = String(decoding: chunk, as: UTF8.self)
        guard let start = text.range(of: "data:")?.upperBound,
            let value = try? JSONParser.parse(String(text[start...]).trimmingSpaces)
        else { return false }
        if value["type"] == "response.function_call_arguments.delta" { return true }
        guard let chunk = OpenAICompletion(parsing: value, chunk: true) else { return false }
        return chunk.choices.contains { $0.message?.toolCalls?.contains { !($0.arguments ?? "").isEmpty } == true }
    }

    /// SSE chunks without the final `[DONE]` event.
    private static func withoutDone(_ chunks: [[UInt8]]) -> [[UInt8]] {
        guard let last = chunks.last else { return chunks }
        let text = String(decoding: last, as: UTF8.self)
        return text.contains("[DONE]") ? Array(chunks.dropLast()) : chunks
    }
}
