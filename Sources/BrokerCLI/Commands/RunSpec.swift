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
        OutputTokenLimit.exceedsEveryContext(outputLimit, route: route, plan: plan).map { UsageError("--param \($0.message)") }
    }

    static func parse(_ args: ParsedArguments, registry: Registry, readStdin: () -> String?) throws(UsageError) -> RunSpec {
        guard let modelArg = args.value("--model") else { throw UsageError("--model is required") }
        let model = registry.resolveAlias(modelArg)
        let task = args.value("--task").map(ModelTask.init(userInput:))
        var parameters = JSONObject()
        for pair in args.all("--param") {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw UsageError("--param must be KEY=VALUE (got '\(pair)')")
            }
            let key = String(pair[..<eq])
            let text = String(pair[pair.index(after: eq)...])
            parameters[key] = (try? JSONParser.parse(text)) ?? .string(text)
        }
        var request = InferenceRequest(model: model, task: task ?? .conversational, parameters: parameters)
        let isChat = task?.isChat ?? true
        if let system = args.value("--system") { request.messages.append(ChatMessage(role: "system", content: system)) }
        if let prompt = args.value("--prompt") {
            if isChat { request.messages.append(ChatMessage(role: "user", content: prompt)) } else { request.input = .string(prompt) }
        } else if let inputText = args.value("--input") {
            let input: JSONValue
            do { input = try JSONParser.parse(inputText) } catch { throw UsageError("--input is not valid JSON: \(error)") }
            if isChat {
                request.messages += try messages(from: input)
            } else {
                request.input = input
            }
        } else if let text = readStdin(), !text.isEmpty {
            let trimmed = text.hasSuffix("\n") ? String(text.dropLast()) : text
            if isChat { request.messages.append(ChatMessage(role: "user", content: trimmed)) } else { request.input = .string(trimmed) }
        } else {
            throw UsageError("give the input with --prompt, --input or on stdin")
        }
        if let t = args.value("--timeout") {
            guard let ms = DurationText.milliseconds(t), ms > 0 else { throw UsageError("--timeout must be a duration such as 30s (got '\(t)')") }
            request.timeoutMs = Int(ms)
        }

        var route = RouteRequest(model: model, task: task)
        if let pin = args.value("--provider") {
            let parts = pin.split(separator: ":", maxSplits: 1).map(String.init)
            route.provider = parts.first
            route.servedBy = parts.count > 1 ? parts[1] : nil
            if let p = route.provider, registry.entry(p) == nil {
                throw UsageError("unknown provider '\(p)'; known: \(registry.entries.map(\.key).joined(separator: ", "))")
            }
        }
        if let r = args.value("--region") {
            guard let region = Region(rawValue: r.lowercased()) else {
                throw UsageError("--region must be one of \(Region.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(r)')")
            }
            route.region = region
        }
        route.compliance = args.value("--compliance").map { ComplianceTag($0.lowercased()) }
        if let p = args.value("--policy") {
            guard let policy = RoutePolicy(rawValue: p) else { throw UsageError("--policy must be cheapest, fastest or preferred (got '\(p)')") }
            route.policy = policy
        }
        if let c = args.value("--currency") {
            let code = c.uppercased()
            guard code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
                throw UsageError("--currency must be an ISO 4217 code such as USD or EUR (got '\(c)')")
            }
            route.currency = code
        }
        route.maxInputPrice = try MarketCommand.price(args, "--max-input-price")
        route.maxOutputPrice = try MarketCommand.price(args, "--max-output-price")
        if let c = args.value("--max-cost") {
            guard let cost = PicoUSD(decimal: c, unit: .usdPerUnit), cost.value >= 0 else {
                throw UsageError("--max-cost must be an amount in USD such as 0.01 (got '\(c)')")
            }
            route.maxCost = cost
        }
        route.allowUnpriced = args.has("--allow-unpriced")
        route.includeStale = args.has("--include-stale")
        route.estimatedInputTokens = OutputTokenLimit.estimatedInputTokens(request)
        let outputLimit: (parameter: String, tokens: Int64)?
        do { outputLimit = try OutputTokenLimit.validated(parameters) } catch { throw UsageError("--param \(error.message)") }
        route.estimatedOutputTokens = outputLimit?.tokens ?? 256
        route.capabilities = RouteRequest.capabilities(parameters: parameters, messages: request.messages)
        if task == .textToImage, args.value("--output-file") == nil {
            throw UsageError("text-to-image writes an image: name the file with --output-file PATH")
        }
        return RunSpec(
            request: request, route: route, maxAttempts: try args.int("--max-attempts", range: 1...20) ?? 4,
            outputFile: args.value("--output-file"), outputLimit: outputLimit)
    }

    /// Chat messages from `--input`: an array of {role, content}, or {"messages": [...]}, or a string.
    static func messages(from input: JSONValue) throws(UsageError) -> [ChatMessage] {
        if let text = input.stringValue { return [ChatMessage(role: "user", content: text)] }
        let list = input["messages"]?.arrayValue ?? input.arrayValue
        guard let list else { throw UsageError("--input for chat must be a messages array, {\"messages\": […]} or a string") }
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
            guard item["content"]?.stringValue != nil || item["content"] == nil || item["content"]?.isNull == true
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
