import ProviderInterface
import Testing

/// Every wire type, written and parsed back, is the value it was; a document parsed and
/// written again is the same JSON, unknown members included.
@Suite("The OpenAI wire types round-trip: requests, answers, errors, embeddings, Responses objects and events")
struct OpenAIWireRoundTripTests {
    /// Parses `text` with `parse`, then checks that writing it gives the same JSON tree
    /// (member order aside) and that the written bytes parse back to an equal value.
    func roundTrip<T: Equatable>(
        _ text: String, _ parse: (JSONValue) -> T?, _ write: (T, inout JSONOutput) -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> T {
        let value = try #require(parse(try JSONParser.parse(text)), sourceLocation: sourceLocation)
        var out = JSONOutput()
        write(value, &out)
        let written = try JSONParser.parse(out.bytes)
        #expect(Self.sorted(written) == Self.sorted(try JSONParser.parse(text)), sourceLocation: sourceLocation)
        #expect(parse(written) == value, sourceLocation: sourceLocation)
        return value
    }

    /// The tree with every object's members sorted by key (JSON objects are unordered).
    static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(JSONObject(object.members.sorted { $0.key < $1.key }.map { ($0.key, sorted($0.value)) }))
        case .array(let list): return .array(list.map(sorted))
        default: return value
        }
    }

    @Test func aChatRequestKeepsEveryParameterAndMessageMemberVerbatim() throws {
        let text = #"""
            {"stream":true,"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}},{"type":"input_audio","input_audio":{"data":"UklG","format":"wav"}}],"name":"ann"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},{"role":"tool","tool_call_id":"call_1","content":"{\"t\":21}"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":{"type":"function","function":{"name":"f"}},"n":2,"logprobs":true,"top_logprobs":3,"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{}}},"user":"u-1","max_completion_tokens":64,"temperature":0.25,"provider":{"order":["groq"]},"x_unknown":[1,{"y":null}],"stream_options":{"include_usage":true,"x":1}}
            """#
        let request = try roundTrip(text, OpenAIChatRequest.init(parsing:)) { $0.write(to: &$1) }
        #expect(request.model == "m" && request.stream == true && request.includeUsage)
        #expect(request.messages?.count == 4)
        #expect(request.messages?[1].extra["name"] == "ann")
        #expect(request.messages?[2].toolCalls?.first?.arguments == #"{"a":1}"#)
        #expect(request.messages?[3].extra["tool_call_id"] == "call_1")
        #expect(request.n == 2 && request.logprobs == true && request.maxTokens == 64)
        #expect(request.tools?.count == 1 && request.toolChoice?["function"]?["name"] == "f")
        #expect(request.parameters["temperature"] == .number("0.25"), "numbers keep their text")
        #expect(request.parameters.keys.suffix(3) == ["temperature", "provider", "x_unknown"])
        #expect(request.streamOptions?["x"] == 1)
        // Built in code, it round-trips too.
        var built = OpenAIChatRequest(model: "x", messages: [OpenAIMessage(role: "user", content: "hi")])
        built.includeUsage = false
        built.n = 3
        #expect(try OpenAIChatRequest(bytes: built.bytes) == built)
        // A member of an owned name with the wrong shape is kept for the caller to refuse.
        let odd = try OpenAIChatRequest(bytes: Array(#"{"model":1,"messages":"hi","stream":"yes"}"#.utf8))
        #expect(odd.model == nil && odd.messages == nil && odd.stream == nil)
        #expect(odd.parameters.keys == ["model", "messages", "stream"])
    }

    @Test func anErrorBodyKeepsItsCodeAndExtraMembers() throws {
        let error = try roundTrip(
            #"{"error":{"message":"no","type":"invalid_request_error","param":"model","code":"model_not_found","attempts":[{"provider":"a"}]}}"#,
            OpenAIError.init(parsing:)
        ) { $0.write(to: &$1) }
        #expect(
            error.param == "model" && error.code == "model_not_found" && error.extra["attempts"]?.arrayValue?.count == 1
        )
        // OpenRouter sends a numeric code; a missing type and param are written as null.
        let numeric = try roundTrip(
            #"{"error":{"message":"bad","type":null,"param":null,"code":400,"metadata":{"raw":"x"}}}"#,
            OpenAIError.init(parsing:)
        ) { $0.write(to: &$1) }
        #expect(numeric.code == 400 && numeric.type == nil)
        #expect(OpenAIError(parsing: try JSONParser.parse(#"{"error":"text only"}"#)) == nil)
    }

    @Test func anEmbeddingRequestAndAnswerRoundTrip() throws {
        let request = try roundTrip(
            #"{"model":"e5","input":["a","b"],"encoding_format":"base64","dimensions":4,"user":"u","x":{"y":[]}}"#,
            OpenAIEmbeddingRequest.init(parsing:)
        ) { $0.write(to: &$1) }
        #expect(request.texts == ["a", "b"] && request.encodingFormat == "base64")
        #expect(request.parameters.keys == ["dimensions", "user", "x"])
        let tokens = try roundTrip(#"{"model":"e5","input":[[1,2],[3]]}"#, OpenAIEmbeddingRequest.init(parsing:)) {
            $0.write(to: &$1)
        }
        #expect(tokens.texts == nil, "token arrays are passed on, not read as text")
        let list = try roundTrip(
            #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-1e-3],"x":1}],"model":"e5","usage":{"prompt_tokens":2,"total_tokens":2},"id":"emb-1"}"#,
            OpenAIEmbeddingList.init(parsing:)
        ) { $0.write(to: &$1) }
        #expect(list.data.first?.extra["x"] == 1 && list.extra["id"] == "emb-1")
    }

    @Test func aResponsesRequestRoundTripsAndTranslatesToChat() throws {
        let text = #"""
            {"model":"m","instructions":"Be brief.","input":[{"role":"developer","content":"Use French."},{"role":"user","content":[{"type":"input_text","text":"look"},{"type":"input_image","image_url":"https://x/y.png","detail":"high"}]},{"type":"function_call","call_id":"call_1","name":"f","arguments":"{}"},{"type":"function_call","call_id":"call_2","name":"g","arguments":"{\"b\":2}"},{"type":"function_call_output","call_id":"call_1","output":"ok"},{"type":"reasoning","id":"rs_1","summary":[]}],"tools":[{"type":"function","name":"f","description":"d","parameters":{"type":"object"},"strict":true}],"tool_choice":{"type":"function","name":"f"},"text":{"format":{"type":"json_schema","name":"s","schema":{"type":"object"},"strict":true}},"max_output_tokens":50,"reasoning":{"effort":"low"},"metadata":{"k":"v"},"temperature":0.5,"user":"u","store":false,"x_vendor":{"a":1},"stream":true}
            """#
        let request = try roundTrip(text, OpenAIResponsesRequest.init(parsing:)) { $0.write(to: &$1) }
        #expect(request.model == "m" && request.instructions == "Be brief." && request.stream == true)
        #expect(
            request.echo.keys == [
                "instructions", "max_output_tokens", "metadata", "temperature", "user", "tool_choice", "tools",
            ])

        let chat = try request.chatRequest()
        let messages = try #require(chat.messages)
        #expect(messages.map(\.role) == ["system", "system", "user", "assistant", "tool"])
        #expect(
            messages[2].content?.arrayValue?.last == [
                "type": "image_url", "image_url": ["url": "https://x/y.png", "detail": "high"],
            ])
        #expect(messages[3].toolCalls?.map(\.id) == ["call_1", "call_2"], "calls in a row are one assistant turn")
        #expect(messages[4].extra["tool_call_id"] == "call_1" && messages[4].content == "ok")
        #expect(
            chat.tools == [
                [
                    "type": "function",
                    "function": ["name": "f", "description": "d", "parameters": ["type": "object"], "strict": true],
                ]
            ])
        #expect(chat.toolChoice == ["type": "function", "function": ["name": "f"]])
        #expect(chat.responseFormat?["json_schema"]?["name"] == "s")
        #expect(chat.parameters["max_tokens"] == 50 && chat.parameters["reasoning_effort"] == "low")
        #expect(chat.parameters["temperature"] == .number("0.5") && chat.parameters["x_vendor"] == ["a": 1])
        #expect(chat.parameters["metadata"] == nil && chat.parameters["store"] == nil && chat.parameters["text"] == nil)
        #expect(chat.stream == true && chat.includeUsage)
        #expect(try OpenAIChatRequest(bytes: chat.bytes) == chat)

        #expect(throws: OpenAIRequestError.self) {
            try OpenAIResponsesRequest(
                model: "m", input: "x", parameters: JSONObject([("previous_response_id", "resp_1")])
            )
            .chatRequest()
        }
        do {
            _ = try OpenAIResponsesRequest(
                model: "m", input: "x", parameters: JSONObject([("tools", [["type": "web_search"]])])
            )
            .chatRequest()
            Issue.record("a web_search tool was translated")
        } catch {
            #expect(error.param == "tools" && error.message.contains("only function tools"))
        }
    }

    /// A response as OpenAI sends it: a reasoning item, a message, a function call, usage
    /// details and members the broker never reads.
    static let responseText = #"""
        {"id":"resp_1","object":"response","created_at":1741476542,"status":"completed","model":"gpt-4.1","output":[{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"hm"}]},{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hi \"you\"","annotations":[]}]},{"type":"message","id":"msg_2","status":"completed","role":"assistant","content":[{"type":"output_text","text":"cited","annotations":[{"type":"url_citation","url":"https://x"}]}]},{"type":"function_call","id":"fc_1","call_id":"call_1","name":"f","arguments":"{\"a\":1}","status":"completed"}],"usage":{"input_tokens":36,"input_tokens_details":{"cached_tokens":0},"output_tokens":87,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":123},"error":null,"incomplete_details":null,"instructions":null,"metadata":{},"parallel_tool_calls":true,"service_tier":"default","x_vendor":[1]}
        """#

    @Test func aResponseObjectParsesAndRoundTripsWithItsUnknownMembers() throws {
        let response = try roundTrip(Self.responseText, OpenAIResponse.init(parsing:)) { $0.write(to: &$1) }
        #expect(
            response.items.map(\.kind) == [
                .other(type: "reasoning"), .message(text: #"Hi "you""#), .other(type: "message"),
                .functionCall(callID: "call_1", name: "f", arguments: #"{"a":1}"#),
            ])
        #expect(response.items[0].extra["summary"]?.arrayValue?.count == 1)
        #expect(response.items[2].extra["content"]?.arrayValue?.first?["annotations"]?.arrayValue?.count == 1)
        #expect(response.tokenUsage == TokenUsage(inputTokens: 36, outputTokens: 87))
        #expect(response.extra["x_vendor"] == [1] && response.extra["service_tier"] == "default")
        #expect(try OpenAIResponse(bytes: response.bytes) == response)
        // Members of an unexpected shape are kept, and written once.
        let odd = try roundTrip(
            #"{"id":"resp_2","object":"response","created_at":"soon","status":7,"model":null,"output":[{"no_type":1}],"usage":"n/a"}"#,
            OpenAIResponse.init(parsing:)
        ) { $0.write(to: &$1) }
        #expect(odd.extra.keys == ["created_at", "status", "model", "output", "usage"])

        // One built from a chat answer round-trips too, and says incomplete at the length limit.
        let completion = OpenAICompletion(choices: [
            OpenAIChoice(
                message: OpenAIMessage(
                    role: "assistant", content: "part",
                    toolCalls: [
                        OpenAIToolCall(id: "call_9", type: "function", name: "g", arguments: "{}")
                    ]), finishReason: "length")
        ])
        let built = OpenAIResponse(
            id: "resp_abc", model: "m", createdAt: 7, echo: JSONObject([("max_output_tokens", 5)]),
            completion: completion,
            text: "part", finishReason: "length", usage: TokenUsage(inputTokens: 3, outputTokens: 5))
        #expect(built.status == "incomplete" && built.extra["incomplete_details"] == ["reason": "max_output_tokens"])
        #expect(built.items.map(\.id) == ["msg_abc", "fc_0_abc"])
        #expect(built.extra["max_output_tokens"] == 5)
        #expect(try OpenAIResponse(bytes: built.bytes) == built)
    }

    @Test func aTranslatedStreamIsTheDocumentedSequenceAndEveryEventRoundTrips() throws {
        var stream = OpenAIResponseStream(
            response: OpenAIResponse(id: "resp_s", model: "m", createdAt: 1, echo: JSONObject()))
        var out = JSONOutput()
        stream.start(to: &out)
        let chunks = [
            #"{"choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}"#,
            #"{"choices":[{"index":0,"delta":{"content":"lo"}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\""}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]},"finish_reason":"tool_calls"}]}"#,
        ]
        for chunk in chunks { stream.add(try OpenAICompletion(bytes: Array(chunk.utf8), chunk: true), to: &out) }
        stream.complete(finishReason: nil, usage: TokenUsage(inputTokens: 4, outputTokens: 6), to: &out)

        var events: [OpenAIResponseEvent] = []
        for block in String(decoding: out.bytes, as: UTF8.self).split(separator: "\n\n") {
            let lines = block.split(separator: "\n")
            #expect(lines.count == 2 && lines[0].hasPrefix("event: ") && lines[1].hasPrefix("data: "))
            let event = try #require(OpenAIResponseEvent(parsing: try JSONParser.parse(String(lines[1].dropFirst(6)))))
            #expect(event.type == String(lines[0].dropFirst(7)))
            // Each event written again, framing included, is the bytes it came from.
            var again = JSONOutput()
            event.writeEvent(to: &again)
            #expect(
                try OpenAIResponseEvent(
                    parsing: JSONParser.parse(Array(again.bytes.dropFirst(lines[0].utf8.count + 7).dropLast(2))))
                    == event)
            events.append(event)
        }
        #expect(events.map(\.sequenceNumber) == Array(0..<events.count))
        #expect(
            events.map(\.type) == [
                "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.delta", "response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed",
            ])
        #expect(
            events.compactMap { $0.type == "response.function_call_arguments.delta" ? $0.delta : nil }.joined()
                == #"{"a":1}"#)
        let done = try #require(events.last?.response)
        #expect(done.status == "completed" && done.tokenUsage == TokenUsage(inputTokens: 4, outputTokens: 6))
        #expect(
            done.items.map(\.kind) == [
                .message(text: "Hello"), .functionCall(callID: "call_1", name: "f", arguments: #"{"a":1}"#),
            ])
        #expect(events[2].item?.status == "in_progress" && events[11].item?.status == "completed")

        var failed = OpenAIResponseStream(
            response: OpenAIResponse(id: "resp_f", model: "m", createdAt: 1, echo: JSONObject()))
        var errorOut = JSONOutput()
        failed.fail(OpenAIError(message: "broke", code: "upstream_failed"), to: &errorOut)
        let text = String(decoding: errorOut.bytes, as: UTF8.self)
        let error = try #require(
            OpenAIResponseEvent(parsing: try JSONParser.parse(String(text.split(separator: "\n")[1].dropFirst(6)))))
        #expect(error.type == "error" && error.extra["code"] == "upstream_failed" && error.extra["message"] == "broke")
    }
}
