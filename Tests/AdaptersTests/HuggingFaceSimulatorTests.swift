import ProviderInterface
import ProviderSimulator
import Synchronization
import Testing

@testable import Adapters

/// The Hugging Face adapter end to end: CurlTransport against the loopback simulator.
@Suite("Hugging Face against the simulator")
struct HuggingFaceSimulatorTests {
    static let known = ["together", "scaleway", "ovhcloud", "nscale", "groq", "hf-inference"]
    static let llama8B = "meta-llama/Llama-3.1-8B-Instruct"

    /// Runs `body` with a started simulator and an adapter pointed at it for both hosts.
    func withAdapter(
        _ fixtures: SimulatorFixtures = SimulatorFixtures(), options: JSONValue = [:], known: [String] = Self.known,
        transport wrap: ((any HTTPTransport, ProviderSimulator) -> any HTTPTransport)? = nil,
        _ body: (ProviderSimulator, HuggingFaceAdapter) async throws -> Void
    ) async throws {
        let simulator = ProviderSimulator(fixtures: fixtures)
        try simulator.start()
        defer { simulator.stop() }
        let entry = ProviderEntry(
            key: "huggingface", adapter: "huggingface", baseURL: simulator.baseURL, urls: ["hub": simulator.baseURL],
            authEnv: "HF_TOKEN",
            servedByRegions: Dictionary(uniqueKeysWithValues: known.map { ($0, RegionRecord.unknown) }),
            options: options.objectValue ?? JSONObject())
        let curl: any HTTPTransport = CurlTransport()
        let transport = wrap?(curl, simulator) ?? curl
        let adapter = HuggingFaceAdapter(
            entry: entry, context: AdapterContext(environment: ["HF_TOKEN": HFTest.token], transport: transport))
        try await body(simulator, adapter)
    }

    @Test func catalogOverThreeLinkPagesIsComplete() async throws {
        try await withAdapter(options: ["page_size": 6]) { simulator, adapter in
            let catalog = try await adapter.listModels()
            let hub = simulator.requests.filter { $0.path == "/api/models" }
            #expect(hub.count == 3)
            #expect(catalog.requests == 3)
            #expect(hub.allSatisfy { $0.header("authorization") == "Bearer \(HFTest.token)" })
            #expect(
                hub[0].queryItems.filter { $0.name == "expand[]" }.map(\.value) == [
                    "inferenceProviderMapping", "pipeline_tag",
                ])
            #expect(hub[1].queryItems.contains { $0.name == "cursor" })
            let offers = Set(catalog.models.map { "\($0.id)|\($0.servedBy ?? "")" })
            #expect(offers.count == catalog.models.count)
            #expect(catalog.models.count == 21)
            #expect(offers.contains("\(Self.llama8B)|scaleway"))
            #expect(offers.contains("mistralai/Mistral-Small-3.1-24B-Instruct-2503|ovhcloud"))
            #expect(offers.contains("facebook/bart-large-cnn|hf-inference"))
            #expect(
                catalog.skipped == [
                    "unknown provider hyperbolic": 1, "mapping status staging": 1, "task text-to-image not listed": 1,
                    "task automatic-speech-recognition not listed": 1,
                ])
            let groq = try #require(catalog.models.first { $0.id == Self.llama8B && $0.servedBy == "groq" })
            #expect(groq.servedModelID == "llama-3.1-8b-instant")
            #expect(groq.task == .conversational)
        }
    }

    @Test func largeCatalogIsListedAcrossEveryPage() async throws {
        try await withAdapter(.generated(models: 2500, providersPerModel: 3), known: []) { _, adapter in
            let catalog = try await adapter.listModels()
            #expect(catalog.requests == 3)
            #expect(catalog.models.count == 7500)
            #expect(Set(catalog.models.map(\.id)).count == 2500)
        }
    }

    @Test func rateLimitMidListingIsWaitedOut() async throws {
        try await withAdapter(options: ["page_size": 6], transport: { InjectOnSecondRequest(base: $0, simulator: $1) })
        { simulator, adapter in
            let start = ContinuousClock.now
            let catalog = try await adapter.listModels()
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .seconds(1))
            #expect(catalog.models.count == 21)
            #expect(catalog.requests == 4)
            let hub = simulator.requests.filter { $0.path == "/api/models" }
            #expect(hub.count == 4)
            #expect(hub[1].query == hub[2].query)  // the rate-limited page was asked again, verbatim
        }
    }

    @Test func pricesFromTheRouterCatalogAreExact() async throws {
        try await withAdapter { simulator, adapter in
            let quotes = try await adapter.getPricing()
            func quote(_ model: String, _ servedBy: String) -> PriceQuote? {
                quotes.first { $0.model == model && $0.servedBy == servedBy }
            }
            let qwen = "Qwen/Qwen2.5-72B-Instruct"
            #expect(
                quote(qwen, "nscale")?.price
                    == OfferPrice(input: .amount(PicoUSD(150_000)), output: .amount(PicoUSD(150_000))))
            #expect(
                quote(qwen, "ovhcloud")?.price
                    == OfferPrice(input: .amount(PicoUSD(1_690_000)), output: .amount(PicoUSD(3_380_000))))
            #expect(quote(qwen, "together") == nil)  // status error
            let unpriced = try #require(quote("meta-llama/Llama-3.3-70B-Instruct", "scaleway"))
            #expect(unpriced.price.state == .unknown)
            let groq = try #require(quote(Self.llama8B, "groq"))
            #expect(groq.firstTokenLatencyMs == 120)
            #expect(groq.throughputTokensPerSecond == 750)
            #expect(groq.contextLength == 131_072)
            #expect(quotes.count == 12)
            #expect(simulator.requests.first?.header("authorization") == nil)
        }
    }

    @Test(arguments: [UsagePlacement.lastChunk, .everyChunk, .finalEmptyDeltaChunk, .onlyWithIncludeUsage, .absent])
    func streamedChatReportsUsageWhereverItIs(placement: UsagePlacement) async throws {
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers = [Self.llama8B: "Bonjour tout le monde"]
        fixtures.chatUsage = [Self.llama8B: SimulatedUsage(promptTokens: 11, completionTokens: 4)]
        fixtures.usagePlacement = placement
        fixtures.sseOmitsSpace = placement == .everyChunk
        try await withAdapter(fixtures) { simulator, adapter in
            var text = ""
            var usage: TokenUsage?
            var finished = false
            let request = InferenceRequest(
                model: Self.llama8B, task: .conversational, servedBy: "scaleway",
                messages: [ChatMessage(role: "user", content: "Hello")])
            for try await event in try await adapter.streamInference(request) {
                switch event {
                case .delta(let piece): text += piece
                case .chunk(let chunk): text += chunk.text
                case .usage(let u): usage = u
                case .finished: finished = true
                case .opened, .responseEvent: break
                }
            }
            #expect(text == "Bonjour tout le monde")
            #expect(finished)
            #expect(usage == (placement == .absent ? nil : TokenUsage(inputTokens: 11, outputTokens: 4)))
            let sent = try #require(simulator.requests.last)
            #expect(sent.path == "/v1/chat/completions")
            #expect(sent.header("authorization") == "Bearer \(HFTest.token)")
            let body = try JSONParser.parse(sent.body)
            #expect(body["model"]?.stringValue == "\(Self.llama8B):scaleway")
            #expect(body["stream_options"]?["include_usage"] == .bool(true))
        }
    }

    @Test func plainChatWithBillTo() async throws {
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers = [Self.llama8B: "Salut"]
        fixtures.requiredToken = HFTest.token
        try await withAdapter(fixtures, options: ["bill_to": "acme"]) { simulator, adapter in
            let response = try await adapter.runInference(
                InferenceRequest(
                    model: Self.llama8B, task: .conversational, aggregatorPolicy: "cheapest",
                    messages: [ChatMessage(role: "user", content: "Hi")]))
            #expect(response.output == .text("Salut"))
            #expect(response.usage != nil)
            let sent = try #require(simulator.requests.last)
            #expect(sent.header("x-hf-bill-to") == "acme")
            #expect(try JSONParser.parse(sent.body)["model"]?.stringValue == "\(Self.llama8B):cheapest")
        }
    }

    @Test func inBandStreamErrorIsThrown() async throws {
        try await withAdapter { simulator, adapter in
            simulator.inject(.inBandStreamError(message: "Upstream overloaded"), pathPrefix: "/v1/chat/completions")
            let request = InferenceRequest(
                model: Self.llama8B, task: .conversational, servedBy: "groq",
                messages: [ChatMessage(role: "user", content: "Hi")])
            await #expect {
                for try await _ in try await adapter.streamInference(request) {}
            } throws: { ($0 as? ProviderError)?.message.contains("Upstream overloaded") == true }
        }
    }

    static let taskInputs: [(String, ModelTask, JSONValue, JSONObject)] = [
        (
            "facebook/bart-large-cnn", .summarization,
            "The tower is 324 metres tall, about the same height as an 81-storey building.", JSONObject()
        ),
        ("Helsinki-NLP/opus-mt-en-fr", .translation, "Hello world", JSONObject()),
        (
            "distilbert/distilbert-base-uncased-finetuned-sst-2-english", .textClassification, "I love this",
            JSONObject()
        ),
        ("dslim/bert-base-NER", .tokenClassification, "My name is Wolfgang and I live in Berlin", JSONObject()),
        (
            "deepset/roberta-base-squad2", .questionAnswering, ["question": "Where?", "context": "Paris is nice"],
            JSONObject()
        ),
        ("google-bert/bert-base-uncased", .fillMask, "Paris is the [MASK] of France.", JSONObject()),
        (
            "facebook/bart-large-mnli", .zeroShotClassification, "I love it",
            JSONObject([("candidate_labels", ["positive", "negative"])])
        ),
        ("intfloat/multilingual-e5-large", .featureExtraction, "Hello", JSONObject()),
        (
            "sentence-transformers/all-MiniLM-L6-v2", .sentenceSimilarity,
            ["source_sentence": "a", "sentences": ["a", "b"]], JSONObject()
        ),
    ]

    @Test func everyClassicTaskRunsAndBothShapesNormaliseAlike() async throws {
        var fixtures = SimulatorFixtures()
        let alternative = Mutex<[String: JSONValue]>([:])
        try await withAdapter(fixtures) { _, adapter in
            for (model, task, input, parameters) in Self.taskInputs {
                let response = try await adapter.runInference(
                    InferenceRequest(model: model, task: task, input: input, parameters: parameters))
                #expect(response.computeTimeMs == 21, "\(task)")
                guard case .json(let value) = response.output else {
                    Issue.record("\(task): not JSON")
                    continue
                }
                alternative.withLock { $0[model] = value }
            }
        }
        for (model, _, _, _) in Self.taskInputs { fixtures.taskShapes[model] = .alternative }
        try await withAdapter(fixtures) { _, adapter in
            for (model, task, input, parameters) in Self.taskInputs {
                let response = try await adapter.runInference(
                    InferenceRequest(model: model, task: task, input: input, parameters: parameters))
                guard case .json(let value) = response.output else {
                    Issue.record("\(task): not JSON")
                    continue
                }
                let standard = alternative.withLock { $0[model] }
                if task == .tokenClassification {
                    #expect(value.arrayValue?.first?["entity_group"] != nil)
                    #expect(value.arrayValue?.first?["word"] == standard?.arrayValue?.first?["word"])
                } else {
                    #expect(
                        value == standard,
                        "\(task) shapes differ: \(JSONWriter.string(value)) vs \(standard.map(JSONWriter.string) ?? "nil")"
                    )
                }
            }
        }
    }

    @Test func textToImageAndSpeechRecognition() async throws {
        try await withAdapter { simulator, adapter in
            let image = try await adapter.runInference(
                InferenceRequest(
                    model: "stabilityai/stable-diffusion-xl-base-1.0", task: .textToImage, input: "a cat"))
            guard case .binary(let bytes, let type) = image.output else {
                Issue.record("expected an image")
                return
            }
            #expect(type == "image/jpeg")
            #expect(bytes.prefix(2) == [0xFF, 0xD8])
            let audio: [UInt8] = Array("RIFF....WAVEfmt ".utf8)
            let speech = try await adapter.runInference(
                InferenceRequest(
                    model: "openai/whisper-large-v3", task: .automaticSpeechRecognition, binaryInput: audio,
                    binaryContentType: "audio/wav"))
            #expect(speech.output == .json(["text": "hello world"]))
            let sent = try #require(simulator.requests.last)
            #expect(sent.body == audio)
            #expect(sent.header("content-type") == "audio/wav")
        }
    }

    @Test func errorsFromTheSimulatorAreMapped() async throws {
        try await withAdapter { simulator, adapter in
            let request = InferenceRequest(
                model: Self.llama8B, task: .conversational, servedBy: "groq",
                messages: [ChatMessage(role: "user", content: "Hi")])
            let cases: [(SimulatorFault, ProviderError.Code, Int?)] = [
                (.rateLimited(retryAfterSeconds: 2), .rateLimited, 2000),
                (.serverError(503), .unavailable, nil),
                (.serverError(500), .providerError, nil),
                (
                    .status(402, body: #"{"error":"You have exceeded your monthly included credits"}"#), .outOfCredits,
                    nil
                ),
                (
                    .status(
                        400,
                        body:
                            #"{"error":{"message":"not supported","type":"invalid_request_error","code":"model_not_supported"}}"#
                    ), .notServed, nil
                ),
                (.malformedJSON, .malformedResponse, nil),
            ]
            for (fault, code, retry) in cases {
                simulator.inject(fault, pathPrefix: "/v1/chat/completions")
                do {
                    _ = try await adapter.runInference(request)
                    Issue.record("expected \(code)")
                } catch {
                    let e = error as? ProviderError
                    #expect(e?.code == code, "\(fault)")
                    if let retry { #expect(e?.retryAfterMs == retry) }
                    if code == .unavailable { #expect(e?.retryAfterMs != nil) }
                }
            }
            let missing = InferenceRequest(model: "nobody/nothing", task: .summarization, input: "x")
            await #expect {
                _ = try await adapter.runInference(missing)
            } throws: { ($0 as? ProviderError)?.code == .notServed }
            let invalid = InferenceRequest(
                model: "google-bert/bert-base-uncased", task: .fillMask, input: "no mask here")
            await #expect {
                _ = try await adapter.runInference(invalid)
            } throws: { ($0 as? ProviderError)?.code == .badInput }
        }
    }

    @Test func wrongTokenIsAuthAndNeverShown() async throws {
        var fixtures = SimulatorFixtures()
        fixtures.requiredToken = "hf_the_right_one_123"
        try await withAdapter(fixtures) { simulator, adapter in
            let request = InferenceRequest(
                model: Self.llama8B, task: .conversational, messages: [ChatMessage(role: "user", content: "Hi")])
            do {
                _ = try await adapter.runInference(request)
                Issue.record("expected an auth error")
            } catch {
                #expect((error as? ProviderError)?.code == .auth)
                #expect(!"\(error)".contains(HFTest.token))
            }
            #expect(simulator.requests.last?.header("authorization") == "Bearer \(HFTest.token)")
        }
    }
}

/// Forwards to the real transport and, just before the second request, makes the simulator
/// answer it with the Hub's 429 and a one-second reset.
final class InjectOnSecondRequest: HTTPTransport {
    let base: any HTTPTransport
    let simulator: ProviderSimulator
    let count = Mutex(0)

    init(base: any HTTPTransport, simulator: ProviderSimulator) {
        self.base = base
        self.simulator = simulator
    }

    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        if count.withLock({
            $0 += 1; return $0
        }) == 2 {
            simulator.inject(.hubRateLimited(resetSeconds: 1), pathPrefix: "/api/models")
        }
        return try await base.send(request)
    }

    func stream(_ request: HTTPRequest) async throws(TransportError) -> HTTPStreamingResponse {
        try await base.stream(request)
    }
}
