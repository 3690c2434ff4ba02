import ProviderInterface

extension SimulatorCore {
    /// `POST /{prefix}/v1/responses` on an OpenAI-compatible provider that serves the Responses
    /// API itself (``CompatibleProvider/servesResponses``), in OpenAI's wire format: a
    /// `response` object (a `reasoning` item first, then the message or the function call,
    /// `service_tier`, usage in `input_tokens`/`output_tokens`), or with `stream: true` the
    /// documented event sequence, one event per SSE chunk. Ids are the simulator's own
    /// (`resp_sim_N`), so a test can tell a passed-through answer from a translated one.
    func responses(_ request: RecordedRequest, _ snapshot: Snapshot, provider: CompatibleProvider) -> SimulatedResponse
    {
        let fixtures = snapshot.fixtures
        guard let json = request.json, let body = OpenAIResponsesRequest(parsing: json) else {
            return Self.openAIError(400, "Could not parse the JSON body of your request.", param: nil, code: nil)
        }
        guard let model = body.model, provider.models.contains(where: { $0.id == model }) else {
            return Self.openAIError(
                404, "The model `\(body.model ?? "")` does not exist or you do not have access to it.", param: "model",
                code: "model_not_found")
        }
        let chat: OpenAIChatRequest
        do { chat = try body.chatRequest() } catch {
            return Self.openAIError(400, error.message, param: error.param, code: nil)
        }
        let messages = chat.messages ?? []
        var pieces = Self.pieces(of: fixtures.answer(for: model, lastUserMessage: Self.lastUserText(messages)))
        var finishReason = "stop"
        if let limit = body.parameters["max_output_tokens"]?.intValue, limit >= 0, pieces.count > limit {
            pieces = Array(pieces.prefix(limit))
            finishReason = "length"
        }
        let number = nextCompletionNumber()
        let toolCall = Self.toolCall(chat, messages: messages, number: number)
        if toolCall != nil { pieces = [] }
        let outputTokens = toolCall?.fragments.count ?? pieces.count
        let usage = TokenUsage(
            inputTokens: Int64(fixtures.chatUsage[model]?.promptTokens ?? max(1, Self.promptWords(messages))),
            outputTokens: Int64(fixtures.chatUsage[model]?.completionTokens ?? outputTokens))
        var response = OpenAIResponse(id: "resp_sim_\(number)", model: model, createdAt: 1_741_476_542, echo: body.echo)
        response.extra["service_tier"] = "default"
        let reasoning = OpenAIResponse.Item(
            id: "rs_sim_\(number)", kind: .other(type: "reasoning"), status: nil,
            extra: JSONObject([("summary", [])]))

        guard body.stream == true else {
            response.items.append(reasoning)
            if !pieces.isEmpty {
                response.items.append(
                    OpenAIResponse.Item(id: response.messageID, kind: .message(text: pieces.joined())))
            }
            if let toolCall {
                response.items.append(
                    OpenAIResponse.Item(
                        id: response.functionCallID(0),
                        kind: .functionCall(callID: toolCall.id, name: toolCall.name, arguments: toolCall.arguments)))
            }
            response.complete(finishReason: finishReason, usage: usage)
            return .json(bytes: response.bytes)
        }
        var stream = OpenAIResponseStream(response: response)
        var chunks: [[UInt8]] = []
        func emit(_ write: (inout OpenAIResponseStream, inout JSONOutput) -> Void) {
            var out = JSONOutput(capacity: 512)
            write(&stream, &out)
            // One event per SSE chunk, as OpenAI flushes them.
            var start = 0
            let bytes = out.bytes
            var i = 0
            while i + 1 < bytes.count {
                if bytes[i] == 0x0A, bytes[i + 1] == 0x0A {
                    chunks.append(Array(bytes[start...(i + 1)]))
                    start = i + 2
                    i += 2
                } else {
                    i += 1
                }
            }
        }
        emit { s, out in s.start(to: &out) }
        for piece in pieces { emit { s, out in s.add(text: piece, to: &out) } }
        if let toolCall {
            emit { s, out in
                s.add(
                    OpenAIToolCall(index: 0, id: toolCall.id, type: "function", name: toolCall.name, arguments: ""),
                    to: &out)
            }
            for fragment in toolCall.fragments {
                emit { s, out in s.add(OpenAIToolCall(index: 0, arguments: fragment), to: &out) }
            }
        }
        emit { s, out in s.complete(finishReason: toolCall == nil ? finishReason : "tool_calls", usage: usage, to: &out)
        }
        return SimulatedResponse(
            status: 200, headers: SimulatedResponse.sseHeaders,
            body: .chunks(chunks, delayMs: fixtures.streamChunkDelayMs))
    }
}
