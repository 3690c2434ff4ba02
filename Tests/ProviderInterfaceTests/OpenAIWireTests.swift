import ProviderInterface
import Testing

@Suite("The OpenAI wire types: parsed from JSONValue, written through JSONOutput, nothing dropped")
struct OpenAIWireTests {
    /// A whole answer with everything a provider may send: two choices, a tool call, a refusal,
    /// both reasoning fields, logprobs, usage details and members nobody knows.
    static let completionText = #"""
        {"id":"chatcmpl-1","object":"chat.completion","created":1726000000,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris \\\"Île\\\"\"}","strict":true},"x_call":1}],"reasoning_content":"hmm","reasoning":"so","annotations":[],"audio":null},"logprobs":{"content":[{"token":"a","logprob":-0.125,"bytes":[97],"top_logprobs":[]}],"refusal":null},"finish_reason":"tool_calls","stop_reason":128008},{"index":1,"message":{"role":"assistant","content":[{"type":"text","text":"two"}]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13,"prompt_tokens_details":{"cached_tokens":2},"cost":1.5e-7},"system_fingerprint":"fp_1","service_tier":"default","provider":"Groq"}
        """#

    @Test func aWholeAnswerParsesIntoItsMembersAndUnknownOnesAreKeptVerbatim() throws {
        let completion = try OpenAICompletion(bytes: Array(Self.completionText.utf8))
        #expect(!completion.isChunk)
        #expect(completion.choices.count == 2)
        let message = try #require(completion.firstMessage)
        #expect(message.content == .null)
        #expect(message.toolCalls?.first?.name == "get_weather")
        #expect(message.toolCalls?.first?.arguments == #"{"city": "Paris \"Île\""}"#)
        #expect(message.toolCalls?.first?.functionExtra["strict"] == true)
        #expect(message.toolCalls?.first?.extra["x_call"] == 1)
        #expect(message.reasoningContent == "hmm" && message.reasoning == "so")
        #expect(message.extra.keys == ["annotations", "audio"])
        #expect(completion.choices[0].extra["stop_reason"] == .number("128008"))
        #expect(completion.choices[1].message?.text == "two")
        #expect(completion.usage?.tokenUsage == TokenUsage(inputTokens: 9, outputTokens: 4))
        #expect(completion.usage?.extra["cost"] == .number("1.5e-7"), "numbers keep their text")
        #expect(completion.systemFingerprint == "fp_1")
        #expect(completion.extra.keys == ["service_tier", "provider"])
        #expect(completion.finishReason == "tool_calls")
    }

    @Test func everyTypeWritesWhatItParsedAndParsesBackEqual() throws {
        let completion = try OpenAICompletion(bytes: Array(Self.completionText.utf8))
        // This document is already in the writer's member order, so the bytes come back identical.
        #expect(String(decoding: completion.bytes, as: UTF8.self) == Self.completionText)
        #expect(try OpenAICompletion(bytes: completion.bytes) == completion)
        #expect(try JSONParser.parse(completion.bytes) == JSONParser.parse(Self.completionText))

        let chunk = try OpenAICompletion(
            bytes: Array(
                #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]},"logprobs":null,"finish_reason":null}],"x":[1,{"y":null}]}"#
                    .utf8))
        #expect(chunk.isChunk)
        #expect(chunk.choices.first?.message?.toolCalls?.first?.index == 0)
        #expect(try OpenAICompletion(bytes: chunk.bytes) == chunk)
        #expect(chunk.extra["x"] == [1, ["y": nil]])

        for call in try #require(completion.firstMessage?.toolCalls) {
            var out = JSONOutput()
            call.write(to: &out)
            #expect(OpenAIToolCall(parsing: try JSONParser.parse(out.bytes)) == call)
        }
        for choice in completion.choices {
            var out = JSONOutput()
            choice.write(to: &out, messageKey: "message")
            #expect(OpenAIChoice(parsing: try JSONParser.parse(out.bytes), messageKey: "message") == choice)
        }
        let usage = try #require(completion.usage)
        var out = JSONOutput()
        usage.write(to: &out)
        #expect(OpenAIUsage(parsing: try JSONParser.parse(out.bytes)) == usage)
    }

    @Test func aMemberOfAnUnexpectedTypeIsKeptNotDropped() throws {
        let odd = try OpenAICompletion(
            bytes: Array(#"{"id":7,"choices":[{"index":"zero","message":{"role":1,"tool_calls":"none"}}]}"#.utf8))
        #expect(odd.id == nil && odd.extra["id"] == 7)
        #expect(odd.choices.first?.extra["index"] == "zero")
        #expect(odd.firstMessage?.extra["role"] == 1)
        #expect(odd.firstMessage?.extra["tool_calls"] == "none")
    }

    @Test func chunksFoldIntoTheWholeAnswerAClientWouldBuild() throws {
        let events = [
            #"{"id":"c","created":5,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_9","type":"function","function":{"name":"f","arguments":""}}]}}]}"#,
            #"{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]}}]}"#,
            #"{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":" \"é\"}"}}]}}]}"#,
            #"{"id":"c","choices":[{"index":1,"delta":{"role":"assistant","content":"x","reasoning_content":"r"},"logprobs":{"content":[{"token":"x"}]}}]}"#,
            #"{"id":"c","choices":[{"index":1,"delta":{"content":"y"},"logprobs":{"content":[{"token":"y"}]},"finish_reason":"stop"}]}"#,
            #"{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":3,"completion_tokens":2}}"#,
        ]
        var accumulator = OpenAICompletionAccumulator()
        for event in events { accumulator.add(try OpenAICompletion(bytes: Array(event.utf8), chunk: true)) }
        let whole = accumulator.result
        #expect(!whole.isChunk && whole.object == "chat.completion")
        #expect(whole.choices.map(\.index) == [0, 1])
        let call = try #require(whole.choices[0].message?.toolCalls?.first)
        #expect(call.id == "call_9" && call.name == "f" && call.index == nil)
        #expect(call.arguments == #"{"a": "é"}"#)
        #expect(whole.choices[0].finishReason == "tool_calls")
        #expect(whole.choices[1].message?.text == "xy")
        #expect(whole.choices[1].message?.reasoningContent == "r")
        #expect(whole.choices[1].logprobs?["content"]?.arrayValue?.count == 2)
        #expect(whole.usage?.tokenUsage == TokenUsage(inputTokens: 3, outputTokens: 2))
        #expect(whole.created == 5)
    }

    @Test func anEmbeddingListRoundTripsAndPacksToBase64Float32() throws {
        let text =
            #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-2,1e-3],"x":1}],"model":"m","usage":{"prompt_tokens":3,"total_tokens":3},"id":"emb-1"}"#
        let list = try #require(OpenAIEmbeddingList(parsing: try JSONParser.parse(text)))
        var out = JSONOutput()
        list.write(to: &out)
        #expect(String(decoding: out.bytes, as: UTF8.self) == text)
        #expect(OpenAIEmbeddingList(parsing: try JSONParser.parse(out.bytes)) == list)
        #expect(list.extra["id"] == "emb-1" && list.data[0].extra["x"] == 1)
        // 0.5, -2 and 0.001 as little-endian float32: 0x3F000000, 0xC0000000, 0x3A83126F.
        #expect(
            list.base64Encoded.data[0].embedding
                == .string(Base64.encode([0, 0, 0, 0x3F, 0, 0, 0, 0xC0, 0x6F, 0x12, 0x83, 0x3A])))
        #expect(Base64.encode(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw==")
        // The same encoder, URL-safe and unpadded (the simulator's Hub cursors): `-` and `_`, no `=`.
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
        #expect(Base64.encode([0xFB, 0xFF], urlSafe: true) == "-_8")
        let nested = try #require(OpenAIEmbeddingList(featureExtraction: [[1, 2], [3, 4]]))
        #expect(nested.data.map(\.index) == [0, 1])
        #expect(OpenAIEmbeddingList(featureExtraction: [1, 2])?.data.count == 1)
        #expect(OpenAIEmbeddingList(featureExtraction: ["a"]) == nil)
    }
}
