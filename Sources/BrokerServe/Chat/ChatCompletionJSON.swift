import Broker
import HTTPServer
import ProviderInterface

/// The OpenAI chat-completion objects the server answers with, plus a `broker` member
/// saying who answered and what it cost.
enum ChatCompletionJSON {
    /// The whole answer (`chat.completion`), written straight to bytes (the server's hot path):
    /// OpenAI's fields, then `usage` as ``usage(_:)`` gives it and `broker` as ``brokerInfo(_:)``.
    static func completionBytes(_ result: RunResult, createdSeconds: Int64) -> [UInt8] {
        let text: String
        switch result.response.output {
        case .text(let t): text = t
        case .json(let v): text = JSONWriter.string(v)
        case .binary: text = ""
        }
        var out = JSONOutput(capacity: 512 + text.utf8.count)
        out.beginObject()
        out.member("id", "chatcmpl-" + result.requestID)
        out.member("object", "chat.completion")
        out.member("created", integer: createdSeconds)
        out.member("model", modelName(result.offer))
        out.key("choices")
        out.beginArray()
        out.beginObject()
        out.member("index", integer: 0)
        out.key("message")
        out.beginObject()
        out.member("role", "assistant")
        out.member("content", text)
        out.endObject()
        out.key("logprobs")
        out.null()
        out.member("finish_reason", result.response.finishReason ?? "stop")
        out.endObject()
        out.endArray()
        out.key("usage")
        if let usage = result.response.usage {
            out.beginObject()
            out.member("prompt_tokens", integer: usage.inputTokens)
            out.member("completion_tokens", integer: usage.outputTokens)
            out.member("total_tokens", integer: usage.inputTokens + usage.outputTokens)
            out.endObject()
        } else {
            out.null()
        }
        out.key("broker")
        out.beginObject()
        out.member("provider", result.offer.provider)
        out.member("served_by", result.servedBy)
        out.member("model", result.offer.model)
        out.member("cost_nano_usd", integer: result.cost.map { $0.roundedNanoUSD })
        out.member("currency", result.currency)
        out.member("cost_nano", integer: result.costInCurrency.map { $0.roundedNanoUSD })
        if let basis = result.costBasis { out.member("price_basis", basis) } else { out.key("price_basis"); out.null() }
        out.member("latency_ms", integer: result.latencyMs)
        out.member("request_id", result.requestID)
        out.key("attempts")
        out.beginArray()
        for attempt in result.attempts {
            out.beginObject()
            out.member("provider", attempt.provider)
            out.member("served_by", attempt.servedBy)
            out.member("outcome", attempt.outcome)
            out.member("status", integer: attempt.status.map(Int64.init))
            out.member("latency_ms", integer: attempt.latencyMs)
            out.endObject()
        }
        out.endArray()
        out.endObject()
        out.endObject()
        return out.bytes
    }

    /// One streamed chunk (`chat.completion.chunk`).
    static func chunk(
        id: String, model: String, createdSeconds: Int64, delta: JSONObject?, finishReason: String?, usage: TokenUsage? = nil,
        broker: JSONObject? = nil
    ) -> JSONValue {
        var object = JSONObject([
            ("id", .string(id)), ("object", .string("chat.completion.chunk")), ("created", .integer(createdSeconds)),
            ("model", .string(model)),
        ])
        if let delta {
            object["choices"] = .array([.object(JSONObject([
                ("index", .integer(0)), ("delta", .object(delta)), ("logprobs", .null),
                ("finish_reason", finishReason.map(JSONValue.string) ?? .null),
            ]))])
        } else {
            object["choices"] = .array([])
        }
        if let usage { object["usage"] = self.usage(usage) }
        if let broker { object["broker"] = .object(broker) }
        return .object(object)
    }

    /// `usage` in OpenAI's names; `null` when unknown.
    static func usage(_ usage: TokenUsage?) -> JSONValue {
        guard let usage else { return .null }
        return .object(JSONObject([
            ("prompt_tokens", .integer(usage.inputTokens)), ("completion_tokens", .integer(usage.outputTokens)),
            ("total_tokens", .integer(usage.inputTokens + usage.outputTokens)),
        ]))
    }

    /// The broker's own account of the request.
    static func brokerInfo(_ result: RunResult) -> JSONObject {
        JSONObject([
            ("provider", .string(result.offer.provider)),
            ("served_by", .string(result.servedBy)),
            ("model", .string(result.offer.model)),
            ("cost_nano_usd", result.cost.map { .integer($0.roundedNanoUSD) } ?? .null),
            ("currency", .string(result.currency)),
            ("cost_nano", result.costInCurrency.map { .integer($0.roundedNanoUSD) } ?? .null),
            ("price_basis", result.costBasis.map(JSONValue.string) ?? .null),
            ("latency_ms", .integer(result.latencyMs)),
            ("request_id", .string(result.requestID)),
            ("attempts", .array(result.attempts.map { a in
                .object(JSONObject([
                    ("provider", .string(a.provider)), ("served_by", .string(a.servedBy)), ("outcome", .string(a.outcome)),
                    ("status", a.status.map { .integer($0) } ?? .null), ("latency_ms", .integer(a.latencyMs)),
                ]))
            })),
        ])
    }

    /// The model name shown to clients: the Hugging Face id when known.
    static func modelName(_ offer: Offer) -> String { offer.hfID ?? offer.model }

    /// The response headers naming who answered and what it cost.
    static func headers(_ result: RunResult) -> [(name: String, value: String)] {
        [
            ("x-broker-provider", result.offer.provider),
            ("x-broker-served-by", result.servedBy),
            ("x-broker-model", result.offer.model),
            ("x-broker-cost-nano-usd", result.cost.map { String($0.roundedNanoUSD) } ?? "unknown"),
            ("x-broker-currency", result.currency),
            ("x-broker-cost-nano", result.costInCurrency.map { String($0.roundedNanoUSD) } ?? "unknown"),
            ("x-broker-request-id", result.requestID),
            ("x-broker-attempts", String(result.attempts.count)),
            ("x-broker-latency-ms", String(result.latencyMs)),
        ]
    }
}
