import ProviderInterface

/// Which host a chat completion request is addressed to.
enum ChatFlavor {
    /// `POST /v1/chat/completions` on the HF router: `model[:provider|:fastest|:cheapest|:preferred]`,
    /// answers carry `x-inference-provider`.
    case huggingFaceRouter
    /// `POST /api/v1/chat/completions` on OpenRouter: answers carry `"provider"`.
    case openRouter
    /// `POST /{prefix}/v1/chat/completions` on an OpenAI-compatible provider.
    case compatible(String)
}

extension SimulatorCore {
    /// An OpenAI chat completion, plain or streamed (SSE).
    func chat(_ request: RecordedRequest, _ snapshot: Snapshot, flavor: ChatFlavor) -> SimulatedResponse {
        let fixtures = snapshot.fixtures
        guard let json = request.json, let body = OpenAIChatRequest(parsing: json) else {
            return Self.openAIError(400, "Could not parse the JSON body of your request.", param: nil, code: nil)
        }
        guard let requested = body.model, !requested.isEmpty else {
            return Self.openAIError(400, "you must provide a model parameter", param: "model", code: nil)
        }
        guard let messages = body.messages, !messages.isEmpty else {
            return Self.openAIError(400, "'messages' is a required property", param: "messages", code: nil)
        }
        let model: String
        let provider: String
        switch resolveModel(requested, flavor: flavor, body: body.parameters, fixtures: fixtures) {
        case .success(let resolved): (model, provider) = resolved
        case .failure(let refusal): return refusal.response
        }

        var answer = fixtures.answer(for: model, lastUserMessage: Self.lastUserText(messages))
        // A vision message: say how many images arrived, so a test sees the parts got here.
        let images = Self.imageCount(messages.last(where: { $0.role == "user" }))
        if images > 0 { answer = "I see \(images) image\(images == 1 ? "" : "s"). " + answer }
        var pieces = Self.pieces(of: answer)
        var finishReason = "stop"
        if let limit = body.maxTokens, limit >= 0, pieces.count > limit {
            pieces = Array(pieces.prefix(limit))
            answer = pieces.joined()
            finishReason = "length"
        }
        let usage =
            fixtures.chatUsage[model]
            ?? SimulatedUsage(promptTokens: max(1, Self.promptWords(messages)), completionTokens: pieces.count)
        let number = nextCompletionNumber()
        var completion = ChatCompletionRenderer(
            id: "chatcmpl-sim-\(number)", model: model,
            provider: { if case .openRouter = flavor { return provider } else { return nil } }(), usage: usage)
        completion.choiceCount = min(8, max(1, body.n ?? 1))
        completion.logprobs = body.logprobs == true
        completion.toolCall = Self.toolCall(body, messages: messages, number: number)
        if case .compatible = flavor {
            completion.systemFingerprint = "fp_sim_\(model.utf8.count)"
        } else {
            completion.dialect = .namedWithFirstFragment
        }
        if body.parameters["reasoning_effort"] != nil || body.parameters["reasoning"] != nil {
            let key: String
            if case .openRouter = flavor { key = "reasoning" } else { key = "reasoning_content" }
            completion.reasoning = (key, "Thinking it over first.")
        }
        var headers: [(String, String)] = []
        if case .huggingFaceRouter = flavor { headers.append(("x-inference-provider", provider)) }

        guard body.stream == true else {
            let includeUsage = fixtures.placement(for: model) != .absent
            return .json(
                bytes: completion.full(
                    answer: answer, pieces: pieces, finishReason: finishReason, includeUsage: includeUsage),
                headers: headers)
        }
        let includeUsageRequested = body.includeUsage
        let events = completion.streamEvents(
            pieces: pieces, finishReason: finishReason, placement: fixtures.placement(for: model),
            includeUsageRequested: includeUsageRequested)
        let prefix = fixtures.sseOmitsSpace ? "data:" : "data: "
        var chunks = (events + [Array("[DONE]".utf8)]).map { Array(prefix.utf8) + $0 + [0x0A, 0x0A] }
        // OpenRouter keeps a stream alive with SSE comments before the first chunk.
        if case .openRouter = flavor { chunks.insert(Array(": OPENROUTER PROCESSING\n\n".utf8), at: 0) }
        return SimulatedResponse(
            status: 200, headers: SimulatedResponse.sseHeaders + headers,
            body: .chunks(chunks, delayMs: fixtures.streamChunkDelayMs))
    }

    /// A refusal carried through `Result`.
    struct Refusal: Error {
        let response: SimulatedResponse
    }

    /// The model id (suffix removed) and the provider that serves it.
    private func resolveModel(
        _ requested: String, flavor: ChatFlavor, body: JSONObject, fixtures: SimulatorFixtures
    ) -> Result<(String, String), Refusal> {
        switch flavor {
        case .huggingFaceRouter:
            let parts = requested.split(separator: ":", maxSplits: 1).map(String.init)
            let model = parts[0]
            let policy = parts.count > 1 ? parts[1] : "fastest"
            guard !fixtures.routerModels.isEmpty else {
                return .success((model, policy == "fastest" ? "simulator" : policy))
            }
            let notSupported = Refusal(
                response: Self.openAIError(
                    400, "The requested model '\(requested)' is not supported by any provider you have enabled.",
                    param: "model", code: "model_not_supported"))
            guard let entry = fixtures.routerModels.first(where: { $0.id == model }) else {
                return .failure(notSupported)
            }
            let live = entry.providers.filter { $0.status == "live" }
            switch policy {
            case "fastest", "preferred":
                guard let first = live.first else { return .failure(notSupported) }
                return .success((model, first.provider))
            case "cheapest":
                let priced = live.compactMap { p -> (String, Double)? in
                    guard let i = p.inputPrice.flatMap(Double.init), let o = p.outputPrice.flatMap(Double.init) else {
                        return nil
                    }
                    return (p.provider, i + o)
                }
                guard let cheapest = priced.min(by: { $0.1 < $1.1 })?.0 ?? live.first?.provider else {
                    return .failure(notSupported)
                }
                return .success((model, cheapest))
            default:
                guard live.contains(where: { $0.provider == policy }) else { return .failure(notSupported) }
                return .success((model, policy))
            }
        case .openRouter:
            guard !fixtures.openRouterModels.isEmpty else { return .success((requested, "Simulator")) }
            guard let entry = fixtures.openRouterModels.first(where: { $0.id == requested }) else {
                return .failure(
                    Refusal(
                        response: .json(
                            #"{"error":{"message":"\#(requested) is not a valid model ID","code":400}}"#, status: 400)))
            }
            let wanted =
                (body["provider"]?["order"] ?? body["provider"]?["only"])?.arrayValue?.compactMap(\.stringValue) ?? []
            // `order` names providers by slug (an endpoint's tag, without its variant) or by name.
            let preferred = wanted.lazy.compactMap { w in
                entry.endpoints.first { endpoint in
                    endpoint.providerName.lowercased() == w.lowercased()
                        || endpoint.tag.split(separator: "/").first.map(String.init) == w.lowercased()
                }?.providerName
            }.first
            let chosen = preferred ?? entry.endpoints.first?.providerName ?? "Simulator"
            return .success((requested, chosen))
        case .compatible(let prefix):
            let models = fixtures.compatibleProviders[prefix]?.models ?? []
            guard models.isEmpty || models.contains(where: { $0.id == requested }) else {
                return .failure(
                    Refusal(
                        response: Self.openAIError(
                            404, "The model `\(requested)` does not exist or you do not have access to it.", param: nil,
                            code: "model_not_found")))
            }
            return .success((requested, prefix))
        }
    }

    /// `{"error":{"message","type","param","code"}}`.
    static func openAIError(
        _ status: Int, _ message: String, param: String?, code: String?, type: String = "invalid_request_error"
    )
        -> SimulatedResponse
    {
        let error = OpenAIError(message: message, type: type, param: param, code: code.map(JSONValue.string))
        return .json(bytes: error.bytes, status: status)
    }

    /// The tool call to answer with: when the request offers function tools, does not say
    /// `tool_choice: "none"`, and its last message is not a tool's result. The function is the
    /// one `tool_choice` names, else the first; the arguments quote the last user message.
    static func toolCall(_ body: OpenAIChatRequest, messages: [OpenAIMessage], number: Int) -> SimulatedToolCall? {
        guard let tools = body.tools, !tools.isEmpty, body.toolChoice?.stringValue != "none",
            messages.last?.role != "tool"
        else { return nil }
        guard
            let name = body.toolChoice?["function"]?["name"]?.stringValue
                ?? tools.lazy.compactMap({ $0["function"]?["name"]?.stringValue }).first
        else { return nil }
        var arguments = JSONOutput(capacity: 96)
        arguments.beginObject()
        arguments.member("query", lastUserText(messages))
        arguments.member("unit", "celsius")
        arguments.key("days")
        arguments.integer(3)
        arguments.endObject()
        return SimulatedToolCall(
            id: "call_sim_\(number)", name: name, arguments: String(decoding: arguments.bytes, as: UTF8.self))
    }

    /// The `image_url` parts of a message's content.
    static func imageCount(_ message: OpenAIMessage?) -> Int {
        message?.content?.arrayValue?.filter { $0["type"]?.stringValue == "image_url" }.count ?? 0
    }

    /// The text of the last `user` message (string content, or the text parts of an array).
    static func lastUserText(_ messages: [OpenAIMessage]) -> String {
        guard let message = messages.last(where: { $0.role == "user" }) else { return "" }
        return contentText(message.content)
    }

    static func contentText(_ content: JSONValue?) -> String {
        if let text = content?.stringValue { return text }
        return content?.arrayValue?.compactMap { $0["text"]?.stringValue }.joined(separator: " ") ?? ""
    }

    static func promptWords(_ messages: [OpenAIMessage]) -> Int {
        messages.reduce(0) { $0 + pieces(of: contentText($1.content)).count }
    }

    /// Words with their trailing whitespace: the simulator's tokens.
    static func pieces(of text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var hasWord = false
        var inTrailingSpace = false
        for character in text {
            if character.isWhitespace {
                current.append(character)
                inTrailingSpace = hasWord
            } else {
                if inTrailingSpace {
                    result.append(current)
                    current = ""
                    inTrailingSpace = false
                }
                current.append(character)
                hasWord = true
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
