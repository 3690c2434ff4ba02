#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Broker
import ProviderInterface

/// Prints `run` results: the answer alone, or the JSON result object, or streamed deltas.
struct RunOutput: Sendable {
    let context: CLIContext
    let spec: RunSpec

    /// A streamed piece of text: raw on stdout, or `{"delta": …}` lines with --format json.
    func delta(_ piece: String) {
        if context.format == .json {
            context.out(JSONWriter.string(.object(JSONObject([("delta", .string(piece))]))) + "\n")
        } else {
            context.out(piece)
        }
    }

    func success(_ result: RunResult, streamed: Bool) throws -> Int32 {
        var output = outputValue(result.response.output)
        if case .binary(let bytes, let contentType) = result.response.output {
            guard let path = spec.outputFile else {
                throw CommandFailure(ExitCode.usage, "binary output needs --output-file PATH")
            }
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: path))
            } catch {
                throw CommandFailure(ExitCode.failure, "cannot write \(path): \(error)")
            }
            output = .object(
                JSONObject([
                    ("file", .string(path)), ("content_type", .string(contentType)), ("bytes", .integer(bytes.count)),
                ]))
        }
        let object = Self.resultObject(result, output: output)
        if streamed {
            if context.format == .json {
                context.out(JSONWriter.string(.object(object)) + "\n")
            } else {
                context.out("\n")
            }
            context.err(summary(result))
            return ExitCode.success
        }
        switch context.format {
        case .json:
            context.out(JSONWriter.string(.object(object)) + "\n")
        case .csv:
            context.out(CSVRenderer.render([flat(object)]))
        case .table:
            switch result.response.output {
            case .text(let text):
                if !text.isEmpty || Self.toolCalls(result).isEmpty {
                    context.out(text.hasSuffix("\n") ? text : text + "\n")
                }
                for call in Self.toolCalls(result) {
                    context.out(
                        "tool call \(call.name ?? "?")(\(call.arguments ?? ""))\(call.id.map { " id=\($0)" } ?? "")\n")
                }
            case .json(let value): context.out(JSONWriter.string(value) + "\n")
            case .binary: context.out("wrote \(spec.outputFile ?? "")\n")
            }
            if context.stderrIsTerminal { context.err(summary(result)) }
        }
        return ExitCode.success
    }

    func failure(_ failure: RunFailure) {
        if context.format == .json {
            var object = JSONObject([
                ("error", .string(failure.message)),
                ("kind", .string(failure.kind.rawValue)),
                ("request_id", failure.requestID.map(JSONValue.string) ?? .null),
                ("attempts", .array(failure.attempts.map { .object(Self.attemptObject($0)) })),
            ])
            if let u = failure.delivered {
                object["usage"] = .object(
                    JSONObject([
                        ("input_tokens", .integer(u.inputTokens)), ("output_tokens", .integer(u.outputTokens)),
                        ("estimated", .bool(failure.deliveredEstimated)),
                    ]))
                object["cost_nano_usd"] = failure.deliveredCost.map { .integer($0.roundedNanoUSD) } ?? .null
            }
            context.out(JSONWriter.string(.object(object)) + "\n")
        }
        context.err("broker run: \(failure.message)")
        if let u = failure.delivered {
            let cost =
                failure.deliveredCost.map { "$" + DecimalText.format($0.value, fractionDigits: 12) } ?? "cost unknown"
            context.err(
                "  billed for what was delivered: \(u.inputTokens) in / \(u.outputTokens) out tokens\(failure.deliveredEstimated ? " (estimated from the text)" : "") · \(cost)"
            )
        }
        for a in failure.attempts {
            context.err(
                "  tried \(a.provider)/\(a.servedBy): \(a.outcome)\(a.status.map { " (HTTP \($0))" } ?? "") after \(a.latencyMs) ms"
            )
        }
    }

    func summary(_ r: RunResult) -> String {
        let usage =
            r.response.usage.map { "\($0.inputTokens) in / \($0.outputTokens) out tokens" } ?? "usage not reported"
        var cost = r.cost.map { "$" + DecimalText.format($0.value, fractionDigits: 12) } ?? "cost unknown"
        if r.currency != "USD" {
            let native =
                r.costInCurrency.map { DecimalText.format($0.value, fractionDigits: 12) + " \(r.currency)" }
                ?? "cost unknown"
            cost =
                native
                + (r.cost.map {
                    " (≈ $" + DecimalText.format($0.value, fractionDigits: 12) + ", \(r.priceBasis ?? ""))"
                } ?? "")
        }
        return
            "[\(r.offer.provider)/\(r.servedBy) \(r.offer.model) · \(usage) · \(cost) · \(r.latencyMs) ms · \(r.attempts.count) attempt\(r.attempts.count == 1 ? "" : "s")]"
    }

    func outputValue(_ output: InferenceOutput) -> JSONValue {
        switch output {
        case .text(let t): return .string(t)
        case .json(let v): return v
        case .binary(let b, let type):
            return .object(JSONObject([("content_type", .string(type)), ("bytes", .integer(b.count))]))
        }
    }

    /// The `run` JSON contract; `currency`, `cost_nano` (exact, in that currency) and
    /// `price_basis` say how `cost_nano_usd` was obtained.
    static func resultObject(_ r: RunResult, output: JSONValue) -> JSONObject {
        var object = JSONObject([
            ("provider", .string(r.offer.provider)),
            ("served_by", .string(r.servedBy)),
            ("model", .string(r.offer.model)),
            ("hf_id", r.offer.hfID.map(JSONValue.string) ?? .null),
            ("task", .string(r.offer.task.rawValue)),
            ("output", output),
            (
                "usage",
                r.response.usage.map { u in
                    .object(
                        JSONObject([
                            ("input_tokens", .integer(u.inputTokens)), ("output_tokens", .integer(u.outputTokens)),
                        ]))
                } ?? .null
            ),
            ("cost_nano_usd", r.cost.map { .integer($0.roundedNanoUSD) } ?? .null),
            ("latency_ms", .integer(r.latencyMs)),
            ("attempts", .array(r.attempts.map { .object(attemptObject($0)) })),
            ("request_id", .string(r.requestID)),
            ("finish_reason", r.response.finishReason.map(JSONValue.string) ?? .null),
            ("tool_calls", toolCalls(r).isEmpty ? .null : message(r)?["tool_calls"] ?? .null),
            ("message", message(r) ?? .null),
        ])
        object["currency"] = .string(r.currency)
        object["cost_nano"] = r.costInCurrency.map { .integer($0.roundedNanoUSD) } ?? .null
        object["price_basis"] = r.costBasis.map(JSONValue.string) ?? .null
        return object
    }

    /// The first choice's whole message as the provider sent it (OpenAI-shaped providers).
    static func message(_ r: RunResult) -> JSONValue? {
        guard let message = r.response.completion?.firstMessage else { return nil }
        var out = JSONOutput()
        message.write(to: &out)
        return try? JSONParser.parse(out.bytes)
    }

    /// The tool calls of the first choice.
    static func toolCalls(_ r: RunResult) -> [OpenAIToolCall] {
        r.response.completion?.firstMessage?.toolCalls ?? []
    }

    static func attemptObject(_ a: AttemptRecord) -> JSONObject {
        JSONObject([
            ("provider", .string(a.provider)),
            ("served_by", .string(a.servedBy)),
            ("outcome", .string(a.outcome)),
            ("status", a.status.map { .integer($0) } ?? .null),
            ("latency_ms", .integer(a.latencyMs)),
            ("error", a.error.map(JSONValue.string) ?? .null),
        ])
    }

    func flat(_ object: JSONObject) -> JSONObject {
        var copy = object
        copy["attempts"] = .integer(object["attempts"]?.arrayValue?.count ?? 0)
        if let usage = object["usage"] {
            copy["usage"] = nil
            copy["input_tokens"] = usage["input_tokens"] ?? .null
            copy["output_tokens"] = usage["output_tokens"] ?? .null
        }
        if let output = object["output"], output.stringValue == nil {
            copy["output"] = .string(JSONWriter.string(output))
        }
        return copy
    }

    /// Exit-69 text: why each near candidate was excluded.
    static func noOfferMessage(_ route: RouteRequest, _ plan: RoutePlan) -> String {
        guard !plan.excluded.isEmpty else {
            return
                "no offer for model '\(route.model)' in the marketplace (run 'broker refresh', or check 'broker market --model …')"
        }
        var lines = ["no offer fits the request for '\(route.model)'; \(plan.excluded.count) near candidate(s):"]
        for e in plan.excluded.prefix(20) {
            lines.append("  \(e.offer.provider)/\(e.offer.servedBy) \(e.offer.model): \(e.reason)")
        }
        if plan.excluded.count > 20 { lines.append("  … and \(plan.excluded.count - 20) more") }
        return lines.joined(separator: "\n")
    }
}
