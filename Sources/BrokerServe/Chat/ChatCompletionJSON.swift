import Broker
import HTTPServer
import ProviderInterface

/// The OpenAI chat-completion objects the server answers with, plus a `broker` member
/// saying who answered and what it cost.
enum ChatCompletionJSON {
    /// The whole answer (`chat.completion`), written straight to bytes (the server's hot path).
    ///
    /// An OpenAI-shaped provider's answer passes through as it came (every choice, tool calls,
    /// `logprobs`, reasoning fields, unknown members) with only `id` and `model` rewritten;
    /// another provider's output becomes one choice. `usage` is the provider's (or `null`),
    /// and `broker` as ``brokerInfo(_:)`` gives it comes last.
    static func completionBytes(_ result: RunResult, createdSeconds: Int64) -> [UInt8] {
        var completion = result.response.completion ?? synthesized(result.response)
        completion.isChunk = false
        completion.id = "chatcmpl-" + result.requestID
        completion.object = "chat.completion"
        completion.model = modelName(result.offer)
        if completion.created == nil { completion.created = createdSeconds }
        if completion.usage == nil { completion.usage = result.response.usage.map(OpenAIUsage.init) }
        let hasUsage = completion.usage != nil
        var out = JSONOutput(capacity: 640 + completion.text.utf8.count)
        completion.write(to: &out) { out in
            if !hasUsage {
                out.key("usage")
                out.null()
            }
            out.key("broker")
            writeBrokerInfo(result, to: &out)
        }
        return out.bytes
    }

    /// A one-choice answer for a provider that is not OpenAI-shaped (its text, or its JSON as text).
    static func synthesized(_ response: InferenceResponse) -> OpenAICompletion {
        let text: String
        switch response.output {
        case .text(let t): text = t
        case .json(let v): text = JSONWriter.string(v)
        case .binary: text = ""
        }
        return OpenAICompletion(choices: [
            OpenAIChoice(
                index: 0, message: OpenAIMessage(role: "assistant", content: .string(text)), logprobs: .null,
                finishReason: response.finishReason ?? "stop")
        ])
    }

    /// A 200 JSON answer for `result`, with the broker's headers: the object `write` writes,
    /// given the `members` that add the broker's account (``writeBrokerInfo(_:to:)``) to it.
    static func answer(
        _ result: RunResult, capacity: Int,
        writing write: (inout JSONOutput, _ members: (inout JSONOutput) -> Void) -> Void
    ) -> ServerResponse {
        var out = JSONOutput(capacity: capacity)
        write(&out) { out in
            out.key("broker")
            writeBrokerInfo(result, to: &out)
        }
        return ServerResponse(
            status: 200, headers: [("Content-Type", "application/json")] + headers(result), bytes: out.bytes)
    }

    /// The broker's own account of the request, written as an object (``brokerInfo(_:)``).
    static func writeBrokerInfo(_ result: RunResult, to out: inout JSONOutput) {
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
