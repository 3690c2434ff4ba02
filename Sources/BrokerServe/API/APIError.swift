import Broker
import HTTPServer
import ProviderInterface

/// An error answered in OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`,
/// with its HTTP status (and `Retry-After` when there is one).
struct APIError: Error, Sendable {
    /// The HTTP status.
    var status: Int
    /// OpenAI's error type (`invalid_request_error`, `authentication_error`, …).
    var type: String
    /// A machine-readable code (`model_not_found`, `invalid_api_key`, …).
    var code: String?
    /// What to tell the client; never holds a credential.
    var message: String
    /// The request field at fault.
    var param: String? = nil
    /// Seconds to wait before retrying, sent as `Retry-After`.
    var retryAfterSeconds: Int? = nil
    /// Extra members of the error object (the routing attempts).
    var extra: JSONObject = JSONObject()
    /// Whether the request was already counted in the metrics (routed requests count themselves).
    var counted = false

    static func badRequest(_ message: String, param: String? = nil) -> APIError {
        APIError(status: 400, type: "invalid_request_error", code: "invalid_request", message: message, param: param)
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(status: 401, type: "authentication_error", code: "invalid_api_key", message: message)
    }

    static func modelNotFound(_ model: String) -> APIError {
        APIError(
            status: 404, type: "invalid_request_error", code: "model_not_found",
            message: "the model '\(model)' is not offered by any provider in the marketplace", param: "model")
    }

    static func notFound(_ path: String) -> APIError {
        APIError(status: 404, type: "invalid_request_error", code: "not_found", message: "no route \(path)")
    }

    static func methodNotAllowed(_ method: String, _ path: String) -> APIError {
        APIError(
            status: 405, type: "invalid_request_error", code: "method_not_allowed",
            message: "\(method) is not allowed on \(path)")
    }

    static func rateLimited(_ message: String, retryAfterSeconds: Int?) -> APIError {
        APIError(
            status: 429, type: "rate_limit_error", code: "rate_limit_exceeded", message: message,
            retryAfterSeconds: retryAfterSeconds)
    }

    static func insufficientQuota(_ message: String) -> APIError {
        APIError(status: 429, type: "insufficient_quota", code: "insufficient_quota", message: message)
    }

    static func shuttingDown() -> APIError {
        APIError(
            status: 503, type: "server_error", code: "shutting_down", message: "the server is shutting down",
            retryAfterSeconds: 1)
    }

    /// The store's offers could not be read: 503 naming the store (a store failure, never
    /// "model not found"), with `Retry-After` while another process holds it past the busy timeout.
    static func storeUnavailable(_ error: any Error, path: String) -> APIError {
        let temporary = StoreFailure.isTemporary(error)
        return APIError(
            status: 503, type: "server_error", code: "store_unavailable",
            message: StoreFailure.message(error, path: path, doing: "read"),
            retryAfterSeconds: temporary ? 1 : nil)
    }

    static func internalError(_ message: String) -> APIError {
        APIError(status: 500, type: "server_error", code: "internal_error", message: message)
    }

    /// No offer fits: 404 naming why each near candidate was set aside.
    static func noOfferFits(_ model: String, _ plan: RoutePlan) -> APIError {
        var reasons = plan.excluded.prefix(20).map { "\($0.offer.provider)/\($0.offer.servedBy): \($0.reason)" }
        if plan.excluded.count > 20 { reasons.append("… and \(plan.excluded.count - 20) more") }
        var error = APIError(
            status: 404, type: "invalid_request_error", code: "no_offer_fits",
            message: "no offer of '\(model)' fits the request: " + reasons.joined(separator: "; "), param: "model")
        error.extra["excluded"] = .array(
            plan.excluded.prefix(50).map { e in
                .object(
                    JSONObject([
                        ("provider", .string(e.offer.provider)), ("served_by", .string(e.offer.servedBy)),
                        ("reason", .string(e.reason)),
                    ]))
            })
        return error
    }

    /// A routed request that got no answer: 400 when the provider refused the input, 429 when
    /// the last provider was rate limiting (its `Retry-After` passed through), 503 when it was
    /// unavailable or timing out, else 502.
    static func upstream(_ failure: RunFailure, lastError: ProviderError?) -> APIError {
        let attempts = JSONValue.array(
            failure.attempts.map { a in
                .object(
                    JSONObject([
                        ("provider", .string(a.provider)), ("served_by", .string(a.servedBy)),
                        ("outcome", .string(a.outcome)),
                        ("status", a.status.map { .integer($0) } ?? .null), ("latency_ms", .integer(a.latencyMs)),
                    ]))
            })
        var error: APIError
        let lastOutcome = failure.attempts.last?.outcome
        switch failure.kind {
        case .badInput:
            error = APIError(
                status: 400, type: "invalid_request_error", code: "provider_rejected_input", message: failure.message)
        case .noOffer:
            error = APIError(
                status: 404, type: "invalid_request_error", code: "no_offer_fits", message: failure.message)
        case .allFailed where lastOutcome == ProviderError.Code.rateLimited.rawValue:
            error = APIError(
                status: 429, type: "rate_limit_error", code: "upstream_rate_limited", message: failure.message)
            error.retryAfterSeconds = lastError?.retryAfterMs.map { max(1, ($0 + 999) / 1000) }
        case .allFailed
        where lastOutcome == ProviderError.Code.unavailable.rawValue
            || lastOutcome == ProviderError.Code.timeout.rawValue:
            error = APIError(status: 503, type: "server_error", code: "upstream_unavailable", message: failure.message)
            error.retryAfterSeconds = lastError?.retryAfterMs.map { max(1, ($0 + 999) / 1000) }
        case .allFailed, .fatal:
            error = APIError(status: 502, type: "server_error", code: "upstream_failed", message: failure.message)
        }
        error.extra["attempts"] = attempts
        // A stream that broke after output: what was delivered is billed, and the client is told how.
        if let delivered = failure.delivered {
            error.extra["usage"] = .object(
                JSONObject([
                    ("input_tokens", .integer(delivered.inputTokens)),
                    ("output_tokens", .integer(delivered.outputTokens)),
                    ("estimated", .bool(failure.deliveredEstimated)),
                ]))
            error.extra["cost_nano_usd"] = failure.deliveredCost.map { .integer($0.roundedNanoUSD) } ?? .null
        }
        if let id = failure.requestID { error.extra["request_id"] = .string(id) }
        return error
    }

    /// The error body in the wire layer's shape.
    var wire: OpenAIError {
        OpenAIError(message: message, type: type, param: param, code: code.map(JSONValue.string), extra: extra)
    }

    /// The HTTP response.
    var response: ServerResponse {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let retryAfterSeconds { headers.append(("Retry-After", String(retryAfterSeconds))) }
        if code == "shutting_down" { headers.append(("Connection", "close")) }
        return ServerResponse(status: status, headers: headers, bytes: wire.bytes)
    }
}
