#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Platform
import ProviderInterface

/// Turns an HTTP error answer into the ``ProviderError`` every adapter throws.
///
/// Shared by the Hugging Face, OpenAI-compatible and OpenRouter adapters. It reads both
/// error body shapes the providers use — `{"error":"text"}` and
/// `{"error":{"message","type","param","code"}}` — plus `{"message":…}`, `{"detail":…}`,
/// Hugging Face's `error_type` (422) and `estimated_time` (503), and the waiting hints
/// `Retry-After` (seconds or an HTTP date) and the Hub's `RateLimit: "api";r=0;t=<s>`.
///
/// | status | code |
/// |---|---|
/// | 400 with `model_not_supported` | `.notServed` |
/// | 400, 413, 422 | `.badInput` |
/// | 401, 403 | `.auth` |
/// | 402 | `.outOfCredits` |
/// | 404 | `.notServed` |
/// | 429 | `.rateLimited` (`retryAfterMs` from the headers or body) |
/// | 503 with `estimated_time` (or `Retry-After`) | `.unavailable` with that delay |
/// | any other | `.providerError` with the status |
///
/// Messages are redacted and cut to ``maxMessageLength`` characters.
public enum ProviderErrorMapping {
    /// The longest message kept from an error body, in characters.
    public static let maxMessageLength = 300

    /// The error for a non-success answer.
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - headers: the response headers (for `Retry-After` / `RateLimit`).
    ///   - body: the response body (either error shape, or anything else).
    ///   - provider: the registry key, for the error.
    ///   - redactor: removes credentials from the message.
    ///   - now: the current time, for `Retry-After` dates.
    public static func map(
        status: Int, headers: [HTTPHeader], body: [UInt8], provider: String?,
        redactor: Redactor = Redactor(secrets: []), now: Date = Date()
    ) -> ProviderError {
        let details = ErrorBody(body)
        let message = redactor.redact(clip(details.message ?? fallbackMessage(status: status, body: body)))
        let headerDelay = retryAfterMs(headers: headers, now: now)
        let code: ProviderError.Code
        var delay: Int? = headerDelay
        switch status {
        case 400:
            code = details.isModelNotSupported ? .notServed : .badInput
        case 401, 403: code = .auth
        case 402: code = .outOfCredits
        case 404: code = .notServed
        case 413, 422: code = .badInput
        case 429:
            code = .rateLimited
            delay = headerDelay ?? details.estimatedTimeMs
        case 503 where details.estimatedTimeMs != nil || headerDelay != nil:
            code = .unavailable
            delay = details.estimatedTimeMs ?? headerDelay
        default: code = .providerError
        }
        return ProviderError(code, provider: provider, status: status, message: message, retryAfterMs: delay)
    }

    /// The error for a response with this status, or `nil` when the status is 2xx.
    public static func check(
        _ response: HTTPResponse, provider: String?, redactor: Redactor = Redactor(secrets: [])
    ) -> ProviderError? {
        guard !(200..<300).contains(response.status) else { return nil }
        return map(
            status: response.status, headers: response.headers, body: response.body, provider: provider,
            redactor: redactor)
    }

    /// The error carried by a JSON value inside a 200 answer or an SSE chunk
    /// (`{"error":"…","error_type":"…"}` or `{"error":{"message","code"}}`), or `nil` when it
    /// has no `error` member. A numeric `code` that is an HTTP status maps like that status.
    public static func inBandError(_ value: JSONValue, provider: String?, redactor: Redactor = Redactor(secrets: []))
        -> ProviderError?
    {
        guard let error = value["error"], !error.isNull else { return nil }
        let details = ErrorBody(value)
        let message = redactor.redact(clip(details.message ?? "error without a message"))
        if let status = error["code"]?.intValue ?? error["status"]?.intValue, (400..<600).contains(status) {
            var mapped = map(status: status, headers: [], body: [], provider: provider, redactor: redactor)
            mapped.message = message
            mapped.retryAfterMs = mapped.retryAfterMs ?? details.estimatedTimeMs
            return mapped
        }
        var text = message
        if let type = details.type, !message.contains(type) { text = "\(type): \(message)" }
        return ProviderError(.providerError, provider: provider, message: "error inside the answer: " + text)
    }

    /// How long the headers ask to wait, in milliseconds: `Retry-After` (delta seconds or an
    /// HTTP date), else the Hub's `RateLimit` `t=` when `r=0`. `nil` when neither is usable.
    public static func retryAfterMs(headers: [HTTPHeader], now: Date = Date()) -> Int? {
        if let value = HeaderLookup.first("retry-after", in: headers) {
            let trimmed = OpenAIChatText.trimmed(value)
            if let scaled = DecimalText.scaled(trimmed, by: 3), scaled.value >= 0, trimmed.first?.isNumber == true {
                return Int(clamping: scaled.value)
            }
            if let date = HTTPDate.parse(trimmed) {
                let ms = (date.timeIntervalSince1970 - now.timeIntervalSince1970) * 1000
                return ms <= 0 ? 0 : Int(ms.rounded(.up))
            }
        }
        if let value = HeaderLookup.first("ratelimit", in: headers), let reset = HubRateLimit(value),
            reset.remaining == 0
        {
            return reset.resetSeconds * 1000
        }
        return nil
    }

    static func clip(_ text: String) -> String {
        let flat = OpenAIChatText.oneLine(text)
        guard flat.count > maxMessageLength else { return flat }
        return String(flat.prefix(maxMessageLength)) + "…"
    }

    static func fallbackMessage(status: Int, body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(maxMessageLength * 4), as: UTF8.self)
        let trimmed = OpenAIChatText.trimmed(text)
        return trimmed.isEmpty ? "HTTP \(status) with an empty body" : trimmed
    }
}

/// The Hub's `RateLimit: "api";r=<remaining>;t=<seconds to reset>` header.
struct HubRateLimit: Sendable, Hashable {
    /// Requests left in the window.
    var remaining: Int
    /// Seconds until the window resets.
    var resetSeconds: Int

    /// Parses the header value; `nil` when `r` or `t` is missing.
    init?(_ value: String) {
        var remaining: Int?
        var reset: Int?
        for part in value.split(separator: ";") {
            let item = OpenAIChatText.trimmed(part)
            if item.hasPrefix("r=") { remaining = Int(item.dropFirst(2)) }
            if item.hasPrefix("t=") { reset = Int(item.dropFirst(2)) }
        }
        guard let remaining, let reset, reset >= 0 else { return nil }
        self.remaining = remaining
        self.resetSeconds = reset
    }
}

/// The fields of an error body in either shape.
struct ErrorBody {
    var message: String?
    var type: String?
    var code: String?
    var estimatedTimeMs: Int?

    init(_ body: [UInt8]) {
        if let value = try? JSONParser.parse(body) { self.init(value) } else { self.init() }
    }

    init(_ value: JSONValue) {
        switch value["error"] {
        case .string(let text)?:
            message = text
        case .object(let object)?:
            // OpenAI's shape, read by the wire layer; an object without a text message still gives its type and code.
            let wire = OpenAIError(parsing: value)
            message = wire?.message
            type = wire?.type ?? object["type"]?.stringValue
            code = wire?.code?.stringValue ?? object["code"]?.stringValue
        case .array(let items)?:
            message = items.compactMap(\.stringValue).joined(separator: "; ")
        default:
            break
        }
        message = message ?? value["message"]?.stringValue ?? value["detail"]?.stringValue
        type = type ?? value["error_type"]?.stringValue ?? value["type"]?.stringValue
        code = code ?? value["code"]?.stringValue
        if let text = value["estimated_time"]?.numberText, let ms = DecimalText.scaled(text, by: 3), ms.value >= 0 {
            estimatedTimeMs = Int(clamping: ms.value)
        }
        if let code, message?.contains(code) == false, let current = message {
            message = "\(code): \(current)"
        }
    }

    init() {}

    var isModelNotSupported: Bool {
        code == "model_not_supported" || type == "model_not_supported"
    }
}
