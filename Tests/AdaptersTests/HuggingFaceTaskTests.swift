import ProviderInterface
import Testing

@testable import Adapters

@Suite("Hugging Face hf-inference tasks")
struct HuggingFaceTaskTests {
    struct Case: Sendable, CustomStringConvertible {
        var task: ModelTask
        var shape: String
        var body: String
        var expected: String
        var description: String { "\(task) \(shape)" }
    }

    static let cases: [Case] = [
        Case(
            task: .summarization, shape: "list", body: #"[{"summary_text":"Short."}]"#,
            expected: #"{"summary_text":"Short."}"#),
        Case(
            task: .summarization, shape: "object", body: #"{"summary_text":"Short."}"#,
            expected: #"{"summary_text":"Short."}"#),
        Case(
            task: .translation, shape: "list", body: #"[{"translation_text":"Bonjour"}]"#,
            expected: #"{"translation_text":"Bonjour"}"#),
        Case(
            task: .textClassification, shape: "nested",
            body: #"[[{"label":"POSITIVE","score":0.9998},{"label":"NEGATIVE","score":0.0002}]]"#,
            expected: #"[{"label":"POSITIVE","score":0.9998},{"label":"NEGATIVE","score":0.0002}]"#),
        Case(
            task: .textClassification, shape: "flat", body: #"[{"label":"POSITIVE","score":0.9998}]"#,
            expected: #"[{"label":"POSITIVE","score":0.9998}]"#),
        Case(
            task: .tokenClassification, shape: "entity_group",
            body: #"[{"entity_group":"PER","score":0.99,"word":"Ada","start":0,"end":3}]"#,
            expected: #"[{"entity_group":"PER","score":0.99,"word":"Ada","start":0,"end":3}]"#),
        Case(
            task: .tokenClassification, shape: "entity",
            body: #"[{"entity":"B-LOC","score":0.9,"word":"Paris","start":10,"end":15,"index":3}]"#,
            expected: #"[{"entity_group":"B-LOC","score":0.9,"word":"Paris","start":10,"end":15}]"#),
        Case(
            task: .questionAnswering, shape: "object", body: #"{"score":0.97,"start":11,"end":16,"answer":"Paris"}"#,
            expected: #"{"answer":"Paris","score":0.97,"start":11,"end":16}"#),
        Case(
            task: .questionAnswering, shape: "list",
            body:
                #"[{"score":0.97,"start":11,"end":16,"answer":"Paris"},{"score":0.01,"start":0,"end":1,"answer":"x"}]"#,
            expected: #"{"answer":"Paris","score":0.97,"start":11,"end":16}"#),
        Case(
            task: .fillMask, shape: "flat",
            body: #"[{"score":0.3,"token":3000,"token_str":"capital","sequence":"Paris is the capital."}]"#,
            expected: #"[{"score":0.3,"token":3000,"token_str":"capital","sequence":"Paris is the capital."}]"#),
        Case(
            task: .fillMask, shape: "nested",
            body: #"[[{"score":0.3,"token":3000,"token_str":"capital","sequence":"s"}]]"#,
            expected: #"[{"score":0.3,"token":3000,"token_str":"capital","sequence":"s"}]"#),
        Case(
            task: .zeroShotClassification, shape: "dict",
            body: #"{"sequence":"I love it","labels":["positive","negative"],"scores":[0.95,0.05]}"#,
            expected: #"[{"label":"positive","score":0.95},{"label":"negative","score":0.05}]"#),
        Case(
            task: .zeroShotClassification, shape: "list",
            body: #"[{"label":"positive","score":0.95},{"label":"negative","score":0.05}]"#,
            expected: #"[{"label":"positive","score":0.95},{"label":"negative","score":0.05}]"#),
        Case(task: .sentenceSimilarity, shape: "floats", body: "[0.605, 0.894, 1e-3]", expected: "[0.605,0.894,1e-3]"),
        Case(task: .featureExtraction, shape: "nested", body: "[[0.1,-0.2]]", expected: "[0.1,-0.2]"),
        Case(task: .featureExtraction, shape: "flat", body: "[0.1,-0.2]", expected: "[0.1,-0.2]"),
        Case(
            task: .automaticSpeechRecognition, shape: "object", body: #"{"text":"hello world"}"#,
            expected: #"{"text":"hello world"}"#),
        Case(
            task: .automaticSpeechRecognition, shape: "list", body: #"[{"text":"hello world"}]"#,
            expected: #"{"text":"hello world"}"#),
        Case(
            task: .automaticSpeechRecognition, shape: "chunks",
            body: #"{"text":"hi","chunks":[{"text":"hi","timestamp":[0.0,1.5]}]}"#,
            expected: #"{"text":"hi","chunks":[{"text":"hi","timestamp":[0.0,1.5]}]}"#),
    ]

    @Test(arguments: cases)
    func everyAcceptedShapeParsesToTheCanonicalOne(_ c: Case) async throws {
        let (adapter, transport) = HFTest.adapter { _ in
            HFTest.json(c.body, headers: [HTTPHeader("x-compute-time", "0.0315"), HTTPHeader("x-compute-type", "cpu")])
        }
        let response = try await adapter.runInference(
            InferenceRequest(model: "org/model", task: c.task, input: "some text"))
        guard case .json(let value) = response.output else {
            Issue.record("expected JSON output")
            return
        }
        #expect(JSONWriter.string(value) == c.expected)
        #expect(response.computeTimeMs == 32)
        #expect(response.servedBy == "hf-inference")
        #expect(transport.requests.first?.header("authorization") == "Bearer \(HFTest.token)")
    }

    @Test func featureExtractionOfAListKeepsOneVectorPerInput() async throws {
        let (adapter, _) = HFTest.adapter { _ in HFTest.json("[[0.1,0.2],[0.3,0.4]]") }
        let response = try await adapter.runInference(
            InferenceRequest(model: "e/m", task: .featureExtraction, input: ["a", "b"]))
        #expect(response.output == .json([[.number("0.1"), .number("0.2")], [.number("0.3"), .number("0.4")]]))
    }

    @Test(arguments: [
        (ModelTask.textClassification, #"[{"label":"x"}]"#), (.questionAnswering, #"{"text":"no"}"#),
        (.sentenceSimilarity, #"["a"]"#), (.featureExtraction, "[]"), (.summarization, "[]"),
        (.zeroShotClassification, #"{"labels":["a"],"scores":[]}"#),
    ])
    func wrongShapeIsMalformed(task: ModelTask, body: String) async {
        let (adapter, _) = HFTest.adapter { _ in HFTest.json(body) }
        await #expect {
            _ = try await adapter.runInference(InferenceRequest(model: "org/model", task: task, input: "x"))
        } throws: { ($0 as? ProviderError)?.code == .malformedResponse }
    }

    @Test func requestsAreExact() throws {
        let router = "https://router.test"
        func build(_ request: InferenceRequest) throws -> HTTPRequest {
            try HFTaskInference.makeRequest(
                routerURL: router, request: request, headers: [], timeouts: HTTPTimeouts(), provider: "hf")
        }
        let summary = try build(
            InferenceRequest(
                model: "facebook/bart-large-cnn", task: .summarization, input: "Long text",
                parameters: HFTest.obj(["max_length": 30])))
        #expect(summary.url == "https://router.test/hf-inference/models/facebook/bart-large-cnn")
        #expect(HFTest.bodyText(summary) == #"{"inputs":"Long text","parameters":{"max_length":30}}"#)
        #expect(summary.header("content-type") == "application/json")

        let plain = try build(
            InferenceRequest(model: "a/b", task: .translation, messages: [ChatMessage(role: "user", content: "Hello")]))
        #expect(HFTest.bodyText(plain) == #"{"inputs":"Hello"}"#)

        let embed = try build(
            InferenceRequest(
                model: "sentence-transformers/all-MiniLM-L6-v2", task: .featureExtraction, input: ["a", "b"],
                parameters: HFTest.obj(["normalize": true])))
        #expect(
            embed.url
                == "https://router.test/hf-inference/models/sentence-transformers/all-MiniLM-L6-v2/pipeline/feature-extraction"
        )
        #expect(HFTest.bodyText(embed) == #"{"inputs":["a","b"],"normalize":true}"#)

        let similarity = try build(
            InferenceRequest(
                model: "s/m", task: .sentenceSimilarity, input: ["source_sentence": "a", "sentences": ["b", "c"]]))
        #expect(similarity.url == "https://router.test/hf-inference/models/s/m/pipeline/sentence-similarity")
        #expect(HFTest.bodyText(similarity) == #"{"inputs":{"source_sentence":"a","sentences":["b","c"]}}"#)

        let zeroShot = try build(
            InferenceRequest(
                model: "z/m", task: .zeroShotClassification, input: "I love it",
                parameters: HFTest.obj(["candidate_labels": ["positive", "negative"]])))
        #expect(
            HFTest.bodyText(zeroShot)
                == #"{"inputs":"I love it","parameters":{"candidate_labels":["positive","negative"]}}"#)

        let audio: [UInt8] = [0x52, 0x49, 0x46, 0x46, 0, 1, 2]
        let asr = try build(
            InferenceRequest(
                model: "openai/whisper-large-v3", task: .automaticSpeechRecognition, binaryInput: audio,
                binaryContentType: "audio/wav"))
        #expect(asr.url == "https://router.test/hf-inference/models/openai/whisper-large-v3")
        #expect(asr.body == audio)
        #expect(asr.header("content-type") == "audio/wav")

        #expect(throws: ProviderError.self) { try build(InferenceRequest(model: "a/b", task: .summarization)) }
    }

    @Test func textToImageReturnsTheBytesWithTheirType() async throws {
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]
        let (adapter, transport) = HFTest.adapter { _ in
            HTTPResponse(
                status: 200, headers: [HTTPHeader("Content-Type", "image/jpeg"), HTTPHeader("x-compute-time", "2.5")],
                body: jpeg)
        }
        let response = try await adapter.runInference(
            InferenceRequest(model: "b/flux", task: .textToImage, input: "a cat"))
        #expect(response.output == .binary(jpeg, contentType: "image/jpeg"))
        #expect(response.computeTimeMs == 2500)
        #expect(transport.requests.first?.header("accept") == "image/*")
        #expect(HFTest.bodyText(try #require(transport.requests.first)) == #"{"inputs":"a cat"}"#)
    }

    @Test func otherServedByIsUnsupportedForClassicTasks() async {
        let (adapter, transport) = HFTest.adapter { _ in HFTest.json("{}") }
        await #expect {
            _ = try await adapter.runInference(
                InferenceRequest(model: "a/b", task: .summarization, servedBy: "together", input: "x"))
        } throws: { ($0 as? ProviderError)?.code == .unsupported }
        #expect(transport.requests.isEmpty)
    }

    @Test(arguments: [
        (
            400, #"{"error":{"message":"not supported","type":"invalid_request_error","code":"model_not_supported"}}"#,
            [HTTPHeader](), ProviderError.Code.notServed, Int?.none
        ),
        (401, #"{"error":"Invalid username or password."}"#, [], .auth, nil),
        (
            402, #"{"error":"You have exceeded your monthly included credits for Inference Providers."}"#, [],
            .outOfCredits, nil
        ),
        (404, #"{"error":"Model org/model does not exist"}"#, [], .notServed, nil),
        (422, #"{"error":"Input validation error","error_type":"validation"}"#, [], .badInput, nil),
        (429, #"{"error":"Rate limit reached"}"#, [HTTPHeader("Retry-After", "4")], .rateLimited, 4000),
        (503, #"{"error":"Model org/model is currently loading","estimated_time":42.0}"#, [], .unavailable, 42_000),
        (500, #"{"error":"boom"}"#, [], .providerError, nil),
        (504, "", [HTTPHeader("x-error-message", "Gateway timeout")], .providerError, nil),
    ])
    func errorsAreMapped(status: Int, body: String, headers: [HTTPHeader], code: ProviderError.Code, retry: Int?) async
    {
        let (adapter, _) = HFTest.adapter { _ in HFTest.json(body, status: status, headers: headers) }
        await #expect {
            _ = try await adapter.runInference(
                InferenceRequest(model: "org/model", task: .textClassification, input: "x"))
        } throws: { error in
            let e = error as? ProviderError
            return e?.code == code && e?.status == status && e?.retryAfterMs == retry && e?.provider == "huggingface"
                && e?.message.isEmpty == false
        }
    }

    @Test func errorInsideA200IsThrown() async {
        let (adapter, _) = HFTest.adapter { _ in HFTest.json(#"{"error":"Model too busy"}"#) }
        await #expect {
            _ = try await adapter.runInference(InferenceRequest(model: "org/model", task: .fillMask, input: "x [MASK]"))
        } throws: { ($0 as? ProviderError)?.message.contains("Model too busy") == true }
    }

    @Test func computeTimeParsing() {
        #expect(HFTaskResponseParser.computeTimeMs("0.0315") == 32)
        #expect(HFTaskResponseParser.computeTimeMs("12") == 12_000)
        #expect(HFTaskResponseParser.computeTimeMs("abc") == nil)
        #expect(HFTaskResponseParser.computeTimeMs(nil) == nil)
    }
}
