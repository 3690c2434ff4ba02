import Broker
import ProviderInterface

/// A `run` (or batch line) request as parsed from the command line: what to send and how to route it.
struct RunSpec: Sendable {
    var request: InferenceRequest
    var route: RouteRequest
    var maxAttempts: Int
    var outputFile: String?
    /// The answer-length cap the parameters set (`max_tokens`, …), checked positive.
    var outputLimit: (parameter: String, tokens: Int64)? = nil

    /// The usage error when nothing fits `plan` because ``outputLimit`` exceeds every offer's context.
    func outputLimitError(_ plan: RoutePlan) -> UsageError? {
        OutputTokenLimit.exceedsEveryContext(outputLimit, route: route, plan: plan).map {
            UsageError("--param \($0.message)")
        }
    }

    /// The run for typed options (`run`'s, or a batch line's); the input comes from `--prompt`,
    /// else `--input`, else `readStdin`.
    static func make(_ options: RunOptions, registry: Registry, readStdin: () -> String?) throws(UsageError) -> RunSpec
    {
        guard let modelArg = options.model else { throw UsageError("--model is required") }
        let model = registry.resolveAlias(modelArg)
        let task = options.filters.task
        var parameters = JSONObject()
        for parameter in options.routing.parameters { parameters[parameter.key] = parameter.value }
        var request = InferenceRequest(model: model, task: task ?? .conversational, parameters: parameters)
        let isChat = task?.isChat ?? true
        if let system = options.system { request.messages.append(ChatMessage(role: "system", content: system)) }
        if let prompt = options.prompt {
            if isChat {
                request.messages.append(ChatMessage(role: "user", content: prompt))
            } else {
                request.input = .string(prompt)
            }
        } else if let input = options.input {
            if isChat {
                request.messages += try messages(from: input)
            } else {
                request.input = input
            }
        } else if let text = readStdin(), !text.isEmpty {
            let trimmed = text.hasSuffix("\n") ? String(text.dropLast()) : text
            if isChat {
                request.messages.append(ChatMessage(role: "user", content: trimmed))
            } else {
                request.input = .string(trimmed)
            }
        } else {
            throw UsageError("give the input with --prompt, --input or on stdin")
        }
        if let timeoutMs = options.routing.timeoutMs { request.timeoutMs = Int(timeoutMs) }

        var route = RouteRequest(model: model, task: task)
        if let pin = options.routing.provider {
            guard registry.entry(pin.key) != nil else {
                throw UsageError(
                    "unknown provider '\(pin.key)'; known: \(registry.entries.map(\.key).joined(separator: ", "))")
            }
            route.provider = pin.key
            route.servedBy = pin.servedBy
        }
        options.filters.apply(to: &route)
        route.policy = options.routing.policy
        route.maxCost = options.routing.maxCost
        route.allowUnpriced = options.routing.allowUnpriced
        route.estimatedInputTokens = OutputTokenLimit.estimatedInputTokens(request)
        let outputLimit: (parameter: String, tokens: Int64)?
        do { outputLimit = try OutputTokenLimit.validated(parameters) } catch {
            throw UsageError("--param \(error.message)")
        }
        route.estimatedOutputTokens = outputLimit?.tokens ?? 256
        route.capabilities = RouteRequest.capabilities(parameters: parameters, messages: request.messages)
        if task == .textToImage, options.outputFile == nil {
            throw UsageError("text-to-image writes an image: name the file with --output-file PATH")
        }
        return RunSpec(
            request: request, route: route, maxAttempts: options.routing.maxAttempts, outputFile: options.outputFile,
            outputLimit: outputLimit)
    }

    /// Chat messages from `--input`: an array of {role, content}, or {"messages": [...]}, or a string.
    static func messages(from input: JSONValue) throws(UsageError) -> [ChatMessage] {
        if let text = input.stringValue { return [ChatMessage(role: "user", content: text)] }
        let list = input["messages"]?.arrayValue ?? input.arrayValue
        guard let list else {
            throw UsageError("--input for chat must be a messages array, {\"messages\": […]} or a string")
        }
        var out: [ChatMessage] = []
        for (i, item) in list.enumerated() {
            guard let role = item["role"]?.stringValue else {
                throw UsageError("--input messages[\(i)] needs a string \"role\"")
            }
            if let content = item["content"]?.stringValue, item.objectValue?.count == 2 {
                out.append(ChatMessage(role: role, content: content))
                continue
            }
            // Content parts (text, image_url, input_audio), tool calls, tool results: sent as written.
            let parts = item["content"]?.arrayValue
            guard
                item["content"]?.stringValue != nil || item["content"] == nil || item["content"]?.isNull == true
                    || parts?.allSatisfy({ $0.objectValue != nil }) == true
            else {
                throw UsageError("--input messages[\(i)].content must be text, null or an array of content parts")
            }
            let text = item["content"]?.stringValue ?? parts?.compactMap { $0["text"]?.stringValue }.joined() ?? ""
            out.append(ChatMessage(role: role, content: text, wire: OpenAIMessage(parsing: item)))
        }
        return out
    }
}
