import ProviderInterface
import Testing

/// A stream chunk read in one pass over its bytes tells the broker what the whole parse would
/// (usage, finish reasons, output, its size), and is passed on with every member the provider
/// sent; chunks of other shapes fall back to the whole parse.
@Suite("Stream chunks are read in one pass and passed on as sent, with only id, model, object and usage the broker's")
struct OpenAIStreamChunkTests {
    /// What the broker reads from a chunk, from the whole parse (the reference).
    static func expected(_ text: String) throws -> OpenAIStreamChunk {
        let completion = try #require(OpenAICompletion(parsing: try JSONParser.parse(text), chunk: true))
        return OpenAIStreamChunk(completion)
    }

    /// The one-pass reading of `text` agrees with the whole parse on everything the broker reads.
    func agrees(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> OpenAIStreamChunk {
        let chunk = try #require(OpenAIStreamChunk(json: text), "read in one pass", sourceLocation: sourceLocation)
        let reference = try Self.expected(text)
        #expect(chunk.usage == reference.usage, sourceLocation: sourceLocation)
        #expect(chunk.choices == reference.choices, sourceLocation: sourceLocation)
        #expect(chunk.hasOutput == reference.hasOutput, sourceLocation: sourceLocation)
        #expect(chunk.outputUTF8Count == reference.outputUTF8Count, sourceLocation: sourceLocation)
        #expect(chunk.carriesOnlyUsage == reference.carriesOnlyUsage, sourceLocation: sourceLocation)
        #expect(chunk.finishReason == reference.finishReason, sourceLocation: sourceLocation)
        #expect(chunk.completion == reference.completion, sourceLocation: sourceLocation)
        return chunk
    }

    /// The chunk as the broker passes it on, parsed back.
    func passedOn(_ chunk: OpenAIStreamChunk) throws -> JSONValue {
        var out = JSONOutput()
        chunk.write(to: &out, id: "chatcmpl-broker", model: "the/model", createdSeconds: 42)
        return try JSONParser.parse(out.bytes)
    }

    @Test func textToolCallsReasoningAndRefusalsAreCountedAsTheWholeParseCountsThem() throws {
        let text = try agrees(
            #"{"id":"x","object":"chat.completion.chunk","created":7,"model":"up","choices":[{"index":0,"delta":{"role":"assistant","content":"h\u00e9llo \ud83d\ude00\n\"q\""},"logprobs":null,"finish_reason":null}]}"#
        )
        #expect(text.hasOutput && text.outputUTF8Count == "héllo 😀\n\"q\"".utf8.count)
        let tools = try agrees(
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":"}},{"index":1,"function":{"arguments":"\"Paris\"}"}}]}}]}"#
        )
        #expect(tools.hasOutput && tools.outputUTF8Count == "get_weather".utf8.count + 16)
        let reasoning = try agrees(
            #"{"choices":[{"index":1,"delta":{"reasoning_content":"think","reasoning":null,"refusal":"no"},"finish_reason":"stop"},{"index":0,"delta":{},"finish_reason":"length"}]}"#
        )
        #expect(reasoning.finishReason == "length" && reasoning.choices.map(\.index) == [1, 0])
        let role = try agrees(#"{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"#)
        #expect(!role.hasOutput && role.outputUTF8Count == 0)
        let emptyCall = try agrees(#"{"choices":[{"delta":{"tool_calls":[]}}]}"#)
        #expect(!emptyCall.hasOutput)
    }

    @Test func aUsageChunkIsReadAndHeldBackOnlyWhenItSaysNothingElse() throws {
        let usage = try agrees(
            #"{"id":"x","model":"m","created":1,"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8,"prompt_tokens_details":{"cached_tokens":1}}}"#
        )
        #expect(usage.carriesOnlyUsage && usage.usage?.tokenUsage == TokenUsage(inputTokens: 3, outputTokens: 5))
        let fingerprinted = try agrees(#"{"choices":[],"usage":null,"system_fingerprint":"fp"}"#)
        #expect(!fingerprinted.carriesOnlyUsage && fingerprinted.usage == nil)
        let providerMember = try agrees(#"{"choices":[],"usage":{"prompt_tokens":1},"provider":"Groq"}"#)
        #expect(!providerMember.carriesOnlyUsage)
    }

    @Test func passedOnWithEveryProviderMemberAndOnlyTheBrokersOwnReplaced() throws {
        let text =
            #"{"id":"up-1","object":"chat.completion.chunk","created":1700000000,"model":"upstream-model","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":"a","x_delta":[1,{"y":null}]},"logprobs":{"content":[{"token":"a","logprob":-0.5}]},"finish_reason":null,"x_choice":true}],"usage":{"prompt_tokens":1,"completion_tokens":1},"provider":"Groq","x":{"nested":[true,false,-1.5e3]}}"#
        let chunk = try agrees(text)
        let written = try passedOn(chunk)
        var members = try #require(try JSONParser.parse(text).objectValue)
        members["id"] = "chatcmpl-broker"
        members["model"] = "the/model"
        members["usage"] = nil
        let expected = JSONValue.object(members)
        #expect(OpenAIWireRoundTripTests.sorted(written) == OpenAIWireRoundTripTests.sorted(expected))
        // Without `created`, the broker's own; with a fresh `object`.
        let bare = try passedOn(try agrees(#"{"choices":[{"delta":{"content":"b"}}]}"#))
        #expect(bare["created"] == .integer(42) && bare["object"] == "chat.completion.chunk")
        #expect(bare["choices"] == [["delta": ["content": "b"]]])
    }

    @Test func otherShapesAreLeftToTheWholeParseAndPassedOnFromIt() throws {
        let others = [
            #"{"choices":[{"delta":{"content":[{"type":"text","text":"part"}]}}]}"#,  // content parts
            #"{"error":null,"choices":[]}"#,  // an error member
            #"{"choices":"none"}"#,  // choices not an array
            #"{"created":1.5,"choices":[]}"#,  // created not an integer
            #"{"id":7,"choices":[]}"#,  // id not a string
            #"{"choices":[{"index":"0","delta":{}}]}"#,  // index not an integer
            #"{"choices":[{"delta":{"tool_calls":[1]}}]}"#,  // a tool call that is not an object
            #"{"model":"a","model":"b","choices":[]}"#,  // a repeated member
            #"{"\u0069d":"x","choices":[]}"#,  // an escaped name
        ]
        for text in others {
            #expect(OpenAIStreamChunk(json: text) == nil, "\(text)")
            var out = JSONOutput()
            try Self.expected(text).write(to: &out, id: "chatcmpl-broker", model: "the/model", createdSeconds: 42)
            let written = String(decoding: out.bytes, as: UTF8.self)
            #expect(
                written.hasPrefix(#"{"id":"chatcmpl-broker","object":"chat.completion.chunk","created":"#), "\(written)"
            )
        }
        for broken in [#"{"choices":[{"delta":{"content":"a"}}]"#, #"{"choices":[]} x"#, "[1]", #"{"choices":[],}"#] {
            #expect(OpenAIStreamChunk(json: broken) == nil, "\(broken)")
        }
    }
}
